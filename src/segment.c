/*
 * segment.c: what a TCP segment is called (its kind for loss descriptors,
 * its flags as tcpdump's letters) and how endpoints are written and read.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "segment.h"

enum seg_kind segment_kind(const struct segment *s)
{
	/* A RST ends everything, whatever else it carries. */
	if (s->flags & SEG_RST)
		return SEGK_RST;
	if (s->flags & SEG_SYN)
		return (s->flags & SEG_ACK) ? SEGK_SYN_ACK : SEGK_SYN;
	if (s->flags & SEG_FIN)
		return SEGK_FIN;
	if (s->len > 0)
		return SEGK_DATA;
	return SEGK_ACK;
}

static const char *const kind_names[SEGK_NKINDS] = {
	[SEGK_SYN] = "SYN",
	[SEGK_SYN_ACK] = "SYN-ACK",
	[SEGK_FIN] = "FIN",
	[SEGK_RST] = "RST",
	[SEGK_DATA] = "DATA",
	[SEGK_ACK] = "ACK",
	[SEGK_ANY] = "ANY",
};

const char *seg_kind_name(enum seg_kind k)
{
	if ((unsigned)k >= SEGK_NKINDS)
		return "?";
	return kind_names[k];
}

/* ASCII only: strcasecmp follows the locale, and in Turkish 'i' and
 * 'I' are not a pair, which would make "fin" stop meaning FIN. */
static bool ascii_case_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

int seg_kind_parse(const char *name)
{
	for (int i = 0; i < SEGK_NKINDS; i++) {
		if (ascii_case_eq(name, kind_names[i]))
			return i;
	}
	return -1;
}

/* The contract's order (S F P R U E W), ACK's "." always last. */
static const struct {
	char letter;
	uint8_t bit;
} flag_letters[] = {
	{ 'S', SEG_SYN }, { 'F', SEG_FIN }, { 'P', SEG_PSH }, { 'R', SEG_RST },
	{ 'U', SEG_URG }, { 'E', SEG_ECE }, { 'W', SEG_CWR }, { '.', SEG_ACK },
};

const char *segment_flags_str(uint8_t flags, char *buf)
{
	char *p = buf;

	/* tcpdump prints "[none]"; an empty label would be invisible. */
	if (flags == 0)
		return strcpy(buf, "none");
	for (size_t i = 0; i < sizeof flag_letters / sizeof flag_letters[0]; i++) {
		if (flags & flag_letters[i].bit)
			*p++ = flag_letters[i].letter;
	}
	*p = '\0';
	return buf;
}

int segment_flags_parse(const char *s)
{
	int flags = 0;

	if (strcmp(s, "none") == 0)
		return 0;
	if (*s == '\0')
		return -1;
	/* Any order is accepted so that real tcpdump output ("S.E") parses. */
	for (; *s != '\0'; s++) {
		size_t i;

		for (i = 0; i < sizeof flag_letters / sizeof flag_letters[0]; i++) {
			if (*s == flag_letters[i].letter)
				break;
		}
		if (i == sizeof flag_letters / sizeof flag_letters[0] ||
		    (flags & flag_letters[i].bit))
			return -1;
		flags |= flag_letters[i].bit;
	}
	return flags;
}

const char *endpoint_str(const struct endpoint *ep, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (ep->family == 4 &&
	    inet_ntop(AF_INET, ep->addr, addr, sizeof addr) != NULL)
		snprintf(buf, len, "%s:%u", addr, ep->port);
	else if (ep->family == 6 &&
	    inet_ntop(AF_INET6, ep->addr, addr, sizeof addr) != NULL)
		snprintf(buf, len, "[%s]:%u", addr, ep->port);
	else
		snprintf(buf, len, "?");
	return buf;
}

/* A decimal port, 0 to 65535, and nothing after it. */
static int port_parse(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	int ndigits = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		/* Stop early so that a long digit string cannot overflow. */
		if (++ndigits > 5 || v > 65535)
			return -1;
	}
	if (ndigits == 0 || *s != '\0')
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int endpoint_parse(const char *s, struct endpoint *ep)
{
	char host[INET6_ADDRSTRLEN];
	const char *end, *portstr;
	struct endpoint e;
	size_t n;

	memset(&e, 0, sizeof e);
	if (s[0] == '[') {
		s++;
		end = strchr(s, ']');
		if (end == NULL || end[1] != ':')
			return -1;
		portstr = end + 2;
		e.family = 6;
	} else {
		end = strchr(s, ':');
		/* A second colon means an IPv6 address without brackets. */
		if (end == NULL || strchr(end + 1, ':') != NULL)
			return -1;
		portstr = end + 1;
		e.family = 4;
	}
	n = (size_t)(end - s);
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(e.family == 4 ? AF_INET : AF_INET6, host, e.addr) != 1)
		return -1;
	if (port_parse(portstr, &e.port) != 0)
		return -1;
	*ep = e;
	return 0;
}

bool endpoint_eq(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && a->port == b->port &&
	    memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}
