/*
 * main.c: tcpviz's command line.  It finds the scenario, builds the
 * profile, runs the engine and hands the trace to the chosen writer.
 * This is the only place that decides to print an error and exit, and
 * the one that decides the language (--lang, else the environment)
 * before the first message.
 *
 * Exit status: 0 done, 1 the work failed (unreadable file, write error),
 * 2 the command line was wrong (unknown option, scenario or value).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsource.h"
#include "capture.h"
#include "conntrack.h"
#include "datadir.h"
#include "engine.h"
#include "i18n.h"
#include "infer.h"
#include "practice_cli.h"
#include "profile.h"
#include "savefile.h"
#include "scenario.h"
#include "trace.h"
#include "ui/ui.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define DEFAULT_SCENARIO "lifecycle"
#define DEFAULT_SEED 1
#define EXIT_USAGE 2
/* Live capture keeps this many packets unless told otherwise (about
 * 60 bytes each); a file is read whole. */
#define DEFAULT_LIVE_MAX_PACKETS 1000000

enum output { OUT_TEXT, OUT_JSON, OUT_SUMMARY, OUT_NONE };

struct options {
	enum output output;
	bool output_chosen;
	const char *pcap_path;
	const char *profile;
	const char **sets;
	size_t nsets;
	struct scen_fault *drops;
	size_t ndrops;
	bool has_seed;
	uint64_t seed;
	int width;
	int lang;
	bool list;
	const char *check;
	const char *scenario;
	int theme;		/* of the interactive view: enum ui_theme */
	bool keys;		/* --keys: print the view's keys */
	/* --practice: a session instead of a diagram (practice_cli.h). */
	bool practice, teacher;
	size_t questions;
	/* Capture instead of a scenario: -r or -i, and the filter words. */
	const char *read_file;
	const char *iface;
	char *filter;
	const char *user;
	uint64_t count;
	bool promisc;
	bool has_max_packets;
	struct conntrack_limits limits;
};

static const char *prog = "tcpviz";

#ifdef __GNUC__
__attribute__((format(printf, 2, 3), noreturn))
#endif
static void die(int status, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void die_error(int status, const struct tv_error *err)
{
	char buf[1024];
	tv_error_format(err, buf, sizeof buf);
	die(status, "%s", buf);
}

/* --help, on standard output. */
static void usage(void)
{
	/* TRANSLATORS: keep options, their ARGS and words like SYN; align. */
	printf(_("Usage: %s [OPTION]... [SCENARIO]\n"
	    "Show how TCP opens and closes connections, as a sequence diagram.\n"
	    "SCENARIO is a scenario id (see --list) or a .tcpviz file; the\n"
	    "default is '%s'.\n"), prog, DEFAULT_SCENARIO);
	putchar('\n');
	fputs(_("Output:\n"
	    "      --text             the sequence diagram as plain text\n"
	    "      --json             the trace as JSON Lines (tcpviz-trace)\n"
	    "  -w FILE                write the segments as a pcap file\n"
	    "      --width N          width of the text diagram (default 80)\n"
	    "      --lang en|zh       language (default from LANGUAGE/LC_ALL/LANG)\n"),
	    stdout);
	/* Its own string, so that the block above keeps its translation. */
	fputs(_("      --summary          only one line of counts (for benchmarks)\n"),
	    stdout);
	putchar('\n');
	fputs(_("Without --text, --json or -w, on a terminal: the interactive view.\n"
	    "      --theme NAME       default, projector or mono\n"
	    "      --keys             list the keys of the interactive view\n"),
	    stdout);
	putchar('\n');
	fputs(_("Practice (SCENARIO: a scenario id or a topic to drill, see --list):\n"
	    "      --practice         interview questions, a score and a review\n"
	    "      --teacher          practice for a class: answers shown, no score\n"
	    "      --questions N      questions in a session (default 10)\n"
	    "      --practice --text  print a worksheet, the answers on a last page\n"),
	    stdout);
	putchar('\n');
	printf(_("Scenario:\n"
	    "      --list             list the scenarios\n"
	    "      --check FILE       check a scenario file without showing it\n"
	    "      --profile NAME     textbook, linux (default) or host\n"
	    "      --set KEY=VALUE    override one profile value (repeatable)\n"
	    "      --drop SIDE:KIND[#N]  lose a segment (repeatable): SIDE client or\n"
	    "                         server; KIND SYN SYN-ACK ACK DATA FIN RST ANY;\n"
	    "                         N counts that side's segments of that kind\n"
	    "      --seed N           seed for random ISNs (default %d)\n"),
	    DEFAULT_SEED);
	putchar('\n');
	fputs(_("Capture (instead of a scenario; FILTER as in tcpdump):\n"
	    "  -r FILE [FILTER]       read a pcap or pcapng file ('-': standard input)\n"
	    "  -i IFACE [FILTER]      capture live on IFACE\n"
	    "  -c N                   stop after N packets\n"
	    "  -n                     no name resolution (tcpviz never resolves)\n"
	    "  -w FILE                save the packets read as a pcap file\n"
	    "  -Z USER                live as root: become USER once the device is\n"
	    "                         open (default nobody)\n"
	    "      --promisc          live: put the interface in promiscuous mode\n"
	    "      --max-packets N    keep at most N packets, letting the oldest\n"
	    "                         finished connections go first (live default\n"
	    "                         1000000; 0: no limit)\n"
	    "      --max-conns N      keep at most N connections (0: no limit)\n"),
	    stdout);
	putchar('\n');
	fputs(_("  -h, --help             show this help and exit\n"
	    "  -V, --version          show the version and exit\n"), stdout);
	putchar('\n');
	fputs(_("Keys for --set (times in seconds, or with ms/us suffix):\n"),
	    stdout);
	/* profile.c marks the help texts with N_(); translated here. */
	for (int i = 0; i < profile_nkeys(); i++)
		printf("  %-20s %s\n", profile_key_name(i),
		    gettext(profile_key_help(i)));
	putchar('\n');
	fputs(_("Exit status: 0 ok, 1 failure, 2 bad command line.\n"), stdout);
}

/* The language of the environment, as gettext would choose it. */
static int env_lang(void)
{
	const char *vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0;
	}
	return 0;
}

/* "en" 0, "zh" 1, anything else -1. */
static int lang_parse(const char *s)
{
	if (strcmp(s, "en") == 0)
		return 0;
	if (strcmp(s, "zh") == 0)
		return 1;
	return -1;
}

static uint64_t parse_uint(const char *opt, const char *s, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v > max)
		die(EXIT_USAGE, _("%s: expected a whole number up to %llu, got '%s'"),
		    opt, (unsigned long long)max, s);
	return v;
}

enum { O_TEXT = 256, O_JSON, O_LIST, O_CHECK, O_PROFILE, O_SET, O_DROP,
       O_SEED, O_WIDTH, O_LANG, O_PROMISC, O_MAX_PACKETS, O_MAX_CONNS,
       O_THEME, O_KEYS, O_PRACTICE, O_TEACHER, O_QUESTIONS, O_SUMMARY };
static const char shortopts[] = ":hVw:r:i:c:nZ:";
static const struct option longopts[] = {
	{ "text", no_argument, NULL, O_TEXT },
	{ "json", no_argument, NULL, O_JSON },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "list", no_argument, NULL, O_LIST },
	{ "check", required_argument, NULL, O_CHECK },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "set", required_argument, NULL, O_SET },
	{ "drop", required_argument, NULL, O_DROP },
	{ "seed", required_argument, NULL, O_SEED },
	{ "width", required_argument, NULL, O_WIDTH },
	{ "lang", required_argument, NULL, O_LANG },
	{ "theme", required_argument, NULL, O_THEME },
	{ "keys", no_argument, NULL, O_KEYS },
	{ "practice", no_argument, NULL, O_PRACTICE },
	{ "teacher", no_argument, NULL, O_TEACHER },
	{ "questions", required_argument, NULL, O_QUESTIONS },
	{ "promisc", no_argument, NULL, O_PROMISC },
	{ "max-packets", required_argument, NULL, O_MAX_PACKETS },
	{ "max-conns", required_argument, NULL, O_MAX_CONNS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/*
 * The language, known before the first message, even an error about an
 * option that comes before --lang: a first, silent getopt pass with the
 * same table finds --lang however it is written (--lang=zh, --la zh,
 * after --).  A bad value is left to parse_args() to report.
 */
static int choose_lang(int argc, char **argv)
{
	int c, l, lang = env_lang();

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (c == O_LANG && (l = lang_parse(optarg)) >= 0)
			lang = l;
	/* glibc: 0 (not 1) restarts the scan from scratch for parse_args. */
	optind = 0;
	return lang;
}

/* The words after the options, as one filter; NULL if there are none. */
static char *join_words(int n, char **words)
{
	size_t len = 1;
	char *s;

	if (n == 0)
		return NULL;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	s = malloc(len);
	if (!s)
		die(1, _("out of memory"));
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	struct tv_error err;
	int c;

	opterr = 0;	/* one line of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case O_TEXT:
		case O_JSON:
			o->output = c == O_TEXT ? OUT_TEXT : OUT_JSON;
			o->output_chosen = true;
			break;
		case O_SUMMARY:
			o->output = OUT_SUMMARY;
			o->output_chosen = true;
			break;
		case 'w':
			o->pcap_path = optarg;
			break;
		case O_LIST:
			o->list = true;
			break;
		case O_CHECK:
			o->check = optarg;
			break;
		case O_PROFILE:
			o->profile = optarg;
			break;
		case O_SET:
			o->sets = realloc(o->sets, (o->nsets + 1) * sizeof *o->sets);
			if (!o->sets)
				die(1, _("out of memory"));
			o->sets[o->nsets++] = optarg;
			break;
		case O_DROP:
			o->drops = realloc(o->drops, (o->ndrops + 1) * sizeof *o->drops);
			if (!o->drops)
				die(1, _("out of memory"));
			if (scen_fault_parse(optarg, &o->drops[o->ndrops], &err) < 0)
				die(EXIT_USAGE, "--drop: %s", err.msg);
			o->ndrops++;
			break;
		case O_SEED:
			o->seed = parse_uint("--seed", optarg, UINT64_MAX);
			o->has_seed = true;
			break;
		case O_WIDTH:
			o->width = (int)parse_uint("--width", optarg, 1000);
			if (o->width < 60)
				die(EXIT_USAGE, _("--width: at least 60 columns, got %d"),
				    o->width);
			break;
		case O_LANG:
			/* choose_lang() took the value; only report a bad one. */
			if (lang_parse(optarg) < 0)
				die(EXIT_USAGE, _("--lang: expected en or zh, got '%s'"),
				    optarg);
			break;
		case O_THEME:
			if ((o->theme = ui_theme_parse(optarg)) < 0)
				die(EXIT_USAGE, _("--theme: expected default, projector or "
				    "mono, got '%s'"), optarg);
			break;
		case O_KEYS:
			o->keys = true;
			break;
		case O_PRACTICE:
			o->practice = true;
			break;
		case O_TEACHER:
			o->practice = o->teacher = true;
			break;
		case O_QUESTIONS:
			o->questions = parse_uint("--questions", optarg,
			    PRACTICE_MAX_QUESTIONS);
			if (o->questions == 0)
				die(EXIT_USAGE, _("--questions: at least 1"));
			o->practice = true;
			break;
		case 'r':
			o->read_file = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'c':
			o->count = parse_uint("-c", optarg, UINT64_MAX);
			break;
		case 'n':
			break;
		case 'Z':
			o->user = optarg;
			break;
		case O_PROMISC:
			o->promisc = true;
			break;
		case O_MAX_PACKETS:
			o->limits.max_packets = parse_uint("--max-packets", optarg,
			    SIZE_MAX);
			o->has_max_packets = true;
			break;
		case O_MAX_CONNS:
			o->limits.max_conns = parse_uint("--max-conns", optarg,
			    SIZE_MAX);
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			printf("tcpviz %s\n", PACKAGE_VERSION);
			exit(0);
		case ':':
			die(EXIT_USAGE, _("option '%s' needs a value (try --help)"),
			    argv[optind - 1]);
		default:
			if (optopt)
				die(EXIT_USAGE, _("unknown option '-%c' (try --help)"),
				    optopt);
			die(EXIT_USAGE, _("unknown option '%s' (try --help)"),
			    argv[optind - 1]);
		}
	}
	if (o->read_file && o->iface)
		die(EXIT_USAGE, _("-r and -i: one source at a time"));
	if (o->read_file || o->iface) {
		o->filter = join_words(argc - optind, argv + optind);
		optind = argc;
	}
	if (o->iface && !o->has_max_packets)
		o->limits.max_packets = DEFAULT_LIVE_MAX_PACKETS;
	if (optind < argc)
		o->scenario = argv[optind++];
	if (optind < argc)
		die(EXIT_USAGE, _("unexpected argument '%s' (one scenario at a time)"),
		    argv[optind]);
	if (o->pcap_path && !o->output_chosen)
		o->output = OUT_NONE;
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n > 7 && strcmp(s + n - 7, ".tcpviz") == 0);
}

/* Load SCENARIO: a path, or an id looked up in the data directory. */
static void load_scenario(const char *name, struct scenario *sc)
{
	struct tv_error err;
	char dir[1024], path[1200];

	if (is_path(name)) {
		if (scenario_load(sc, name, &err) < 0)
			die_error(EXIT_USAGE, &err);
		return;
	}
	if (datadir_path(dir, sizeof dir, "scenarios") < 0)
		die(1, _("cannot find the scenario directory (set TCPVIZ_DATADIR)"));
	snprintf(path, sizeof path, "%s/%s.tcpviz", dir, name);
	if (access(path, F_OK) < 0)
		die(EXIT_USAGE, _("unknown scenario '%s' (see --list)"), name);
	if (scenario_load(sc, path, &err) < 0)
		die_error(1, &err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_scenarios(int lang)
{
	char dir[1024];
	if (datadir_path(dir, sizeof dir, "scenarios") < 0)
		die(1, _("cannot find the scenario directory (set TCPVIZ_DATADIR)"));
	DIR *d = opendir(dir);
	if (!d)
		die(1, "%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 7 || strcmp(de->d_name + len - 7, ".tcpviz") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (!names || !(names[n] = malloc(strlen(dir) + len + 2)))
			die(1, _("out of memory"));
		sprintf(names[n++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct scenario sc;
		struct tv_error err;
		if (scenario_load(&sc, names[i], &err) < 0) {
			char buf[1024];
			tv_error_format(&err, buf, sizeof buf);
			fprintf(stderr, "%s: %s\n", prog, buf);
		} else {
			const char *title = sc.title[lang] ? sc.title[lang] : sc.title[0];
			printf("%-22s %s  [%s]\n", sc.id, title ? title : "",
			    sc.topics ? sc.topics : "");
		}
		scenario_free(&sc);
		free(names[i]);
	}
	free(names);
}

static void build_profile(const struct options *o, const struct scenario *sc,
    struct profile *p)
{
	struct tv_error err;
	const char *name = o->profile ? o->profile
				      : sc->profile[0] ? sc->profile : "linux";
	if (profile_init(p, name, &err) < 0)
		die_error(EXIT_USAGE, &err);
	if (strcmp(name, "host") == 0)
		profile_load_host(p, "/proc/sys/net/ipv4");
	for (size_t i = 0; i < sc->nsets; i++)
		if (profile_set(p, sc->sets[i], &err) < 0)
			die(EXIT_USAGE, "%s: %s", sc->file ? sc->file : sc->id, err.msg);
	for (size_t i = 0; i < o->nsets; i++)
		if (profile_set(p, o->sets[i], &err) < 0)
			die(EXIT_USAGE, "--set: %s", err.msg);
}

/* -w for a scenario: never half a file under that name (savefile.h). */
static void write_pcap(const struct trace *tr, const char *path)
{
	struct savefile sf;
	char err[1200];
	FILE *f = savefile_open(&sf, path, err, sizeof err);

	if (f == NULL)
		die(1, "%s", err);
	int failed = trace_write_pcap(tr, f) < 0 || fflush(f) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		savefile_abort(&sf);
		die(1, "%s: %s", path, strerror(saved));
	}
	if (savefile_commit(&sf, err, sizeof err) < 0)
		die(1, "%s", err);
}

/* What a capture wants the user to know, one line each, on stderr. */
static int capture_summary(const struct options *o,
    const struct capture_report *rep, const struct conntrack *ct)
{
	struct conntrack_stats st;
	const char *name = o->read_file ? o->read_file : o->iface;

	if (rep->damaged && rep->damage_off >= 0)
		fprintf(stderr, _("%s: %s: damaged at byte %lld, after packet %llu: %s\n"),
		    prog, name, rep->damage_off,
		    (unsigned long long)rep->packets, rep->damage);
	else if (rep->damaged)
		fprintf(stderr, _("%s: %s: damaged after packet %llu: %s\n"),
		    prog, name, (unsigned long long)rep->packets, rep->damage);
	if (rep->bad > 0)
		fprintf(stderr, _("%s: %llu packets could not be decoded; the first, packet %llu: %s (byte %zu)\n"),
		    prog, (unsigned long long)rep->bad,
		    (unsigned long long)rep->first_bad, rep->bad_err.msg,
		    rep->bad_err.off);
	if (rep->packets > 0 && rep->tcp == 0 && rep->bad == 0)
		fprintf(stderr, _("%s: none of the %llu packets read is TCP\n"),
		    prog, (unsigned long long)rep->packets);
	conntrack_stats(ct, &st);
	if (st.conns > 0)
		fprintf(stderr, _("%s: let %zu connections (%zu packets) go to stay within --max-packets/--max-conns\n"),
		    prog, st.conns, st.packets);
	if (rep->has_stats)
		fprintf(stderr, _("%s: %u packets received, %u dropped by the kernel, %u by the interface\n"),
		    prog, rep->recv, rep->drop, rep->ifdrop);
	/* The view said it; the terminal it said it on is gone. */
	if (rep->failed[0])
		fprintf(stderr, "%s: %s\n", prog, rep->failed);
	return rep->damaged || rep->failed[0] ? 1 : 0;
}

/*
 * --summary: the trace built (every connection, state and note), then
 * only its counts, so that a benchmark times loading without a writer.
 * One line of words and numbers for scripts, never translated.
 */
static void print_summary(const struct trace *tr)
{
	size_t count[TRACE_NARRATION + 1] = { 0 }, carried = 0, floods = 0;

	/* Narration that a state event carries counts as an event of its
	 * own, as the writers show it. */
	for (size_t i = 0; i < tr->nev; i++) {
		if (tr->ev[i].type <= TRACE_NARRATION)
			count[tr->ev[i].type]++;
		carried += tr->ev[i].type == TRACE_STATE &&
		    trace_narrates(&tr->ev[i]);
	}
	for (size_t i = 0; i < tr->nlisteners; i++)
		floods += tr->listeners[i].flood;
	printf("connections %zu segments %zu states %zu timers %zu apps %zu "
	    "narrations %zu events %zu floods %zu\n", tr->nconns,
	    count[TRACE_SEGMENT], count[TRACE_STATE], count[TRACE_TIMER],
	    count[TRACE_APP], count[TRACE_NARRATION] + carried,
	    tr->nev + carried, floods);
}

/*
 * On a terminal without --text/--json: the interactive list of
 * connections, live for -i.  Not for packets on standard input, which
 * the keys need.
 */
static bool capture_wants_view(const struct options *o)
{
	return !o->output_chosen && isatty(STDOUT_FILENO) &&
	    isatty(STDIN_FILENO);
}

/* The interactive view of a capture: a file is read whole first; a
 * device is read by the view as packets come. */
static int view_capture(const struct options *o, struct capture *c,
    struct conntrack *ct, struct infer *inf, struct trace *tr)
{
	struct capsource cs = { .cap = c, .ct = ct, .inf = inf, .tr = tr };
	struct ui_capture_source src;
	struct ui_capture_opts uo = {
		.tr = tr, .src = &src, .lang = o->lang, .theme = o->theme,
	};
	char err[512];
	int status = 0;

	/* Not die(): capture_close() must still tidy the -w file. */
	if (o->iface && capture_watch(c, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (o->read_file) {
		if (capture_run(c, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			status = 1;
		}
		infer_finish(inf);
	}
	capsource_bind(&cs, o->read_file ? o->read_file : o->iface,
	    o->iface != NULL, &src);
	int ui = ui_capture_run(&uo);
	return ui ? ui : status;
}

/* -r or -i: the packets' connections, shown like a scenario's trace. */
static int run_capture(const struct options *o)
{
	struct capture_opts co = {
		.file = o->read_file, .device = o->iface, .filter = o->filter,
		.promisc = o->promisc, .user = o->user, .count = o->count,
		.save = o->pcap_path,
	};
	struct trace_text_opts to = { .width = o->width, .lang = o->lang };
	struct capture_report rep;
	struct trace tr;
	char err[512];
	int status = 0;
	bool view = capture_wants_view(o);

	trace_init(&tr);
	snprintf(tr.source, sizeof tr.source, "%s:%s",
	    o->read_file ? "pcap" : "live", o->read_file ? o->read_file : o->iface);
	struct conntrack *ct = conntrack_new(&tr, &o->limits);
	struct infer *inf = infer_new(&tr);
	if (!ct || !inf)
		die(1, _("out of memory"));
	conntrack_infer(ct, inf);
	struct capture *c = capture_open(&co, ct, err, sizeof err);
	if (!c)
		die(EXIT_USAGE, "%s", err);
	if (view) {
		status = view_capture(o, c, ct, inf, &tr);
	} else if (capture_run(c, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		status = 1;
	}
	/* After the view, when the terminal is back: what the user should
	 * know stays on it. */
	if (capture_close(c, &rep, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		status |= 1;
	}
	if (capture_summary(o, &rep, ct) && status == 0)
		status = 1;
	if (!view) {
		infer_finish(inf);
		if (o->output == OUT_TEXT)
			trace_write_text(&tr, stdout, &to);
		else if (o->output == OUT_JSON)
			trace_write_json(&tr, stdout);
		else if (o->output == OUT_SUMMARY)
			print_summary(&tr);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(1, _("write error: %s"), strerror(errno));
	}
	conntrack_free(ct);
	infer_free(inf);
	trace_free(&tr);
	return status;
}

/* Report drops, narrations and checkpoints whose event never happened.
 * In a scenario file that is a mistake in the file; for --drop, a hint. */
static int check_unmatched(const struct engine *e, const struct scenario *sc)
{
	struct engine_unmatched left[64];
	size_t n = engine_unmatched(e, left, 64);
	int bad = 0;
	for (size_t i = 0; i < n && i < 64; i++) {
		if (left[i].line > 0) {
			fprintf(stderr, _("%s:%d:%d: '%s' never happens in this scenario\n"),
			    sc->file ? sc->file : sc->id, left[i].line, left[i].col,
			    left[i].what);
			bad = 1;
		} else {
			fprintf(stderr, _("%s: warning: --%s never matched a segment\n"),
			    prog, left[i].what);
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct options o = { .output = OUT_TEXT, .seed = DEFAULT_SEED };
	o.lang = choose_lang(argc, argv);
	i18n_init(o.lang);
	parse_args(argc, argv, &o);

	if (o.list) {
		list_scenarios(o.lang);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.keys) {
		ui_keys_print(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.practice) {
		struct practice_cli_opts po = {
			.filter = o.scenario, .questions = o.questions,
			.worksheet = o.output == OUT_TEXT && o.output_chosen,
			.teacher = o.teacher, .lang = o.lang, .width = o.width,
			.theme = o.theme, .has_seed = o.has_seed, .seed = o.seed,
		};
		if (o.output == OUT_JSON || o.output == OUT_SUMMARY || o.pcap_path)
			die(EXIT_USAGE, _("--practice: only --text (a worksheet) "
			    "goes with it"));
		return practice_cli_run(&po);
	}
	if (o.read_file || o.iface) {
		int status = run_capture(&o);
		free(o.filter);
		return status;
	}

	struct scenario sc;
	scenario_init(&sc);
	load_scenario(o.check ? o.check : o.scenario ? o.scenario : DEFAULT_SCENARIO,
	    &sc);

	struct profile prof;
	build_profile(&o, &sc, &prof);
	uint64_t seed = o.has_seed ? o.seed : sc.has_seed ? sc.seed : DEFAULT_SEED;

	/* No output chosen: the interactive view, which needs a terminal. */
	if (!o.output_chosen && !o.pcap_path && !o.check) {
		if (!isatty(STDOUT_FILENO))
			die(1, _("standard output is not a terminal; use --text for a "
			    "text diagram"));
		struct ui_opts uo = {
			.sc = &sc, .prof = &prof, .seed = o.seed,
			.faults = o.drops, .nfaults = o.ndrops,
			.profile_name = o.profile, .sets = o.sets, .nsets = o.nsets,
			.has_seed = o.has_seed, .lang = o.lang, .theme = o.theme,
		};
		int status = ui_run(&uo);
		scenario_free(&sc);
		free(o.sets);
		free(o.drops);
		return status;
	}

	struct trace tr;
	trace_init(&tr);
	const char *own = sc.profile[0] ? sc.profile : "linux";
	struct engine_opts eo = {
		.sc = &sc, .prof = &prof, .seed = seed,
		.faults = o.drops, .nfaults = o.ndrops,
		.altered = o.nsets > 0 || o.ndrops > 0 ||
		    (o.profile && strcmp(o.profile, own) != 0),
	};
	struct tv_error err;
	struct engine *e = engine_new(&eo, &tr, &err);
	if (!e)
		die_error(1, &err);
	engine_run(e);
	int status = check_unmatched(e, &sc);
	engine_free(e);

	if (o.check) {
		if (!status)
			printf(_("%s: ok\n"), o.check);
	} else {
		if (o.pcap_path)
			write_pcap(&tr, o.pcap_path);
		struct trace_text_opts to = { .width = o.width, .lang = o.lang };
		if (o.output == OUT_TEXT)
			trace_write_text(&tr, stdout, &to);
		else if (o.output == OUT_JSON)
			trace_write_json(&tr, stdout);
		else if (o.output == OUT_SUMMARY)
			print_summary(&tr);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die(1, _("write error: %s"), strerror(errno));

	trace_free(&tr);
	scenario_free(&sc);
	free(o.sets);
	free(o.drops);
	return status;
}
