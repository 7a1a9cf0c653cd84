/*
 * player.h: the engine behind an interactive view.  It plays a scenario
 * with a list of recorded drops and keeps the resulting trace; adding a
 * drop ("what if this FIN had been lost?") or undoing one plays the
 * scenario again from the start.  The engine is deterministic, so
 * everything before the dropped segment is identical in the new trace:
 * history branches exactly there.  Pure: no I/O.
 *
 * A drop is recorded as "HOST:ANY#k", the k-th segment that host sent
 * (forged ones, which no host sent, not counted), the way the engine
 * counts loss descriptors.  A drop added before an earlier one's branch
 * forgets the later ones: they named segments of a history that no
 * longer happens.  Undo goes back to the previous list exactly, so it
 * restores the previous trace byte for byte.
 *
 * Order of calls: player_new(); then any number of player_trace(),
 * player_drop_segment()/player_drop_next(), player_undo(),
 * player_branch(), player_ndrops(); player_free().
 */
#ifndef PLAYER_H
#define PLAYER_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct player;

/* The scenario and profile must outlive the player; the faults (the
 * command line's --drop, in addition to the scenario's own) are copied.
 * NULL and err if the engine refuses the scenario. */
struct player *player_new(const struct scenario *sc, const struct profile *prof,
    uint64_t seed, const struct scen_fault *faults, size_t nfaults,
    struct tv_error *err);

/* The current trace; valid until the next drop or undo. */
const struct trace *player_trace(const struct player *p);

/*
 * Lose segment number n (trace_event.n) of the current trace and
 * play again.  Returns 0, or -1 if there is no such segment, it is
 * already lost, or it was not sent by the client or server host (a
 * forged one).  On success *branch (if not NULL) is the segment's send
 * time: where the new history departs from the old.
 */
int player_drop_segment(struct player *p, uint32_t n, int64_t *branch);

/* Lose the first segment not yet lost that trace side `side`
 * (SIDE_CLIENT: the left lifeline) sends strictly after time t (the
 * "drop the next one from the client" key; pass t - 1 to include one
 * sent at t).  Same returns as above. */
int player_drop_next(struct player *p, int side, int64_t t, int64_t *branch);

/* Forget the most recent drop and play again; -1 if there is none.
 * *branch is where the undone drop had branched. */
int player_undo(struct player *p, int64_t *branch);

/* Where the newest drop still in force branched (for layout_frame's
 * marker), or -1 when there is none. */
int64_t player_branch(const struct player *p);

/* How many drops were added interactively (not the scenario's own). */
size_t player_ndrops(const struct player *p);

void player_free(struct player *p);

#endif
