/*
 * infer_narr.c: the sentences of infer_narr.h.  A table of templates in
 * both languages; {S} is the side the sentence is about ("the client",
 * "客户端"), {S^} the same at the start of a sentence, {N} a number.
 * Tokens instead of printf conversions, so that each
 * language puts the words where its grammar wants them.
 *
 * Every statement here must hold for what a capture can show; where it
 * is a guess (a timeout, a lost connection, a cookie), the sentence says
 * so.  Facts follow the shared reference, tcp-behaviour.md.
 */
#include <stdio.h>
#include <string.h>

#include "infer_narr.h"

/* The end of TIME_WAIT sends nothing, so it is said wherever one starts. */
#define TW_EN " It stays there for 2MSL (Linux: 60 s) so that a lost last " \
	"ACK can be sent again and old duplicates die out; its end sends " \
	"nothing, so no capture can show it."
#define TW_ZH "它要在这里停留 2MSL（Linux 固定为 60 秒），以便重发可能丢失的" \
	"最后一个 ACK，并让网络中的旧重复报文段消失；TIME_WAIT 结束时不发送" \
	"任何报文，所以抓包无法显示它何时结束。"

static const char *const narr_text[NARR_COUNT][2] = {
	[NARR_SND_SYN] = {
		"{S^} sends a SYN to open the connection and enters SYN_SENT, "
		"waiting for a SYN-ACK.",
		"{S}发送 SYN 发起连接，进入 SYN_SENT，等待对方的 SYN-ACK。" },
	[NARR_RCV_SYN] = {
		"{S^} was listening: the SYN made a half-open connection in "
		"SYN_RCVD, and {S} answers with a SYN-ACK, its own SYN together "
		"with the ACK of the peer's.",
		"{S}原本处于监听状态：这个 SYN 建立了一个处于 SYN_RCVD 的半连接，"
		"{S}回以 SYN-ACK，即自己的 SYN 加上对对方 SYN 的确认。" },
	[NARR_SIMOPEN] = {
		"Simultaneous open: {S} had sent its own SYN when the peer's SYN "
		"arrived. It goes from SYN_SENT to SYN_RCVD and answers with a "
		"SYN-ACK that keeps its original ISN.",
		"同时打开：{S}已经发出自己的 SYN，这时对方的 SYN 到达。它从 "
		"SYN_SENT 进入 SYN_RCVD，并回一个 SYN-ACK，ISN 仍是原来那个。" },
	[NARR_RCV_SYN_ACK] = {
		"{S^} receives the SYN-ACK, which acknowledges its SYN: it enters "
		"ESTABLISHED and sends the third segment of the handshake, an ACK.",
		"{S}收到确认了自己 SYN 的 SYN-ACK，进入 ESTABLISHED，并发出三次握手"
		"的第三个报文段：ACK。" },
	[NARR_SIMOPEN_DONE] = {
		"{S^}, in SYN_RCVD, receives the peer's SYN-ACK: both SYNs are now "
		"acknowledged and it enters ESTABLISHED.",
		"处于 SYN_RCVD 的{S}收到对方的 SYN-ACK：双方的 SYN 都已得到确认，"
		"它进入 ESTABLISHED。" },
	[NARR_HANDSHAKE_DONE] = {
		"The ACK of its SYN-ACK completes the three-way handshake: {S} "
		"enters ESTABLISHED.",
		"对其 SYN-ACK 的确认完成了三次握手：{S}进入 ESTABLISHED。" },
	[NARR_COOKIE_DONE] = {
		"{S^} kept nothing for this connection: the ACK brings its SYN "
		"cookie back (the ACK number minus one), and {S} rebuilds the "
		"connection from it, from LISTEN straight to ESTABLISHED.",
		"{S}没有为这个连接保存任何东西：ACK 把 SYN cookie 带了回来（确认号"
		"减一），{S}据此重建连接，从 LISTEN 直接进入 ESTABLISHED。" },
	[NARR_SND_FIN] = {
		"{S^} sends a FIN: it will send no more data (close() or "
		"shutdown()). It enters FIN_WAIT_1 and waits for the ACK of its "
		"FIN.",
		"{S}发送 FIN：它不再发送数据（调用了 close() 或 shutdown()）。它进入 "
		"FIN_WAIT_1，等待对方确认这个 FIN。" },
	[NARR_SND_FIN_EARLY] = {
		"{S^} sends a FIN before the handshake has completed: from SYN_RCVD "
		"it goes to FIN_WAIT_1.",
		"{S}在握手完成之前就发送了 FIN：从 SYN_RCVD 进入 FIN_WAIT_1。" },
	[NARR_SND_FIN_LAST] = {
		"{S^} closes its side too: its FIN takes it from CLOSE_WAIT to "
		"LAST_ACK, where it waits for the last ACK.",
		"{S}也关闭了自己这一端：发出 FIN 后从 CLOSE_WAIT 进入 LAST_ACK，"
		"等待最后一个 ACK。" },
	[NARR_RCV_FIN] = {
		"{S^} acknowledges the FIN: the peer will send no more, and {S} "
		"enters CLOSE_WAIT. It may still send data until its application "
		"closes.",
		"{S}确认了这个 FIN：对方不会再发数据，{S}进入 CLOSE_WAIT。在应用"
		"关闭之前，它仍然可以发送数据。" },
	[NARR_FIN_ACKED] = {
		"{S^}'s FIN is acknowledged: it enters FIN_WAIT_2 and waits for the "
		"peer's FIN. Data may still arrive meanwhile (a half-close).",
		"{S}的 FIN 得到确认：它进入 FIN_WAIT_2，等待对方的 FIN。在此期间"
		"仍可能收到数据（半关闭）。" },
	[NARR_TIME_WAIT] = {
		"{S^} acknowledges the peer's FIN and enters TIME_WAIT." TW_EN,
		"{S}确认了对方的 FIN，进入 TIME_WAIT。" TW_ZH },
	[NARR_THREE_WAY] = {
		"Three-way close: the peer's FIN also acknowledges {S}'s FIN, so "
		"{S} goes from FIN_WAIT_1 straight to TIME_WAIT, without "
		"FIN_WAIT_2." TW_EN,
		"三次挥手：对方的 FIN 同时确认了{S}的 FIN，所以{S}从 FIN_WAIT_1 "
		"直接进入 TIME_WAIT，跳过了 FIN_WAIT_2。" TW_ZH },
	[NARR_SIMCLOSE] = {
		"Simultaneous close: the peer's FIN reached {S} before the ACK of "
		"its own FIN did. {S^} acknowledges it and enters CLOSING.",
		"同时关闭：对方的 FIN 比对{S}自己 FIN 的确认先到。{S}确认它，"
		"进入 CLOSING。" },
	[NARR_CLOSING_ACKED] = {
		"{S^}'s FIN is acknowledged: from CLOSING it enters TIME_WAIT."
		TW_EN,
		"{S}的 FIN 得到确认：从 CLOSING 进入 TIME_WAIT。" TW_ZH },
	[NARR_LAST_ACKED] = {
		"The last ACK arrives: {S} leaves LAST_ACK for CLOSED, and the "
		"connection is gone on its side, with no TIME_WAIT.",
		"最后一个 ACK 到达：{S}从 LAST_ACK 进入 CLOSED，它这一端的连接"
		"就此结束，无需经过 TIME_WAIT。" },
	[NARR_REFUSED] = {
		"The RST answers {S}'s SYN: nothing listens on that port. {S^} goes "
		"to CLOSED and connect() fails with ECONNREFUSED.",
		"这个 RST 回应了{S}的 SYN：那个端口上没有程序在监听。{S}进入 "
		"CLOSED，connect() 返回 ECONNREFUSED。" },
	[NARR_HALF_OPEN_RST] = {
		"The RST ends this half-open connection: {S} drops it, and its "
		"listener goes on in LISTEN.",
		"这个 RST 结束了半连接：{S}丢弃它，监听套接字继续处于 LISTEN。" },
	[NARR_RCV_RST] = {
		"{S^} accepts the RST, whose seq is exactly the next one it "
		"expects, and goes to CLOSED at once; its application gets "
		"ECONNRESET.",
		"{S}接受这个 RST（其序号正是它期待的下一个序号），立即进入 "
		"CLOSED；应用会得到 ECONNRESET。" },
	[NARR_TIME_WAIT_RST] = {
		"A RST ends {S}'s TIME_WAIT early: Linux accepts it "
		"(tcp_rfc1337=0), what RFC 1337 calls TIME-WAIT assassination.",
		"一个 RST 提前结束了{S}的 TIME_WAIT：Linux 默认（tcp_rfc1337=0）会"
		"接受它，RFC 1337 称之为“TIME-WAIT 暗杀”。" },
	[NARR_ABORT] = {
		"{S^} aborts the connection: a RST at its next sequence number "
		"instead of a FIN (abort, SO_LINGER with a zero timeout, or close() "
		"with unread data). It goes straight to CLOSED, with no TIME_WAIT.",
		"{S}中止了连接：用一个序号为其下一个序号的 RST 代替 FIN（应用中止、"
		"SO_LINGER 超时为 0，或带着未读数据调用 close()）。它直接进入 "
		"CLOSED，没有 TIME_WAIT。" },
	[NARR_KEEPALIVE_GIVE_UP] = {
		"{S^} gives up on its keepalive probes: as far as it knows, none "
		"was answered (answers seen here may have been lost after the "
		"capture point). It resets the connection and goes to CLOSED; its "
		"application gets ETIMEDOUT.",
		"{S}放弃了保活探测：在它看来，没有一个探测得到回应（这里看到的回应"
		"可能在抓包点之后丢失了）。它发送 RST 重置连接并进入 CLOSED；应用"
		"得到 ETIMEDOUT。" },
	[NARR_DATA_AFTER_CLOSE] = {
		"{S^} had closed its socket, yet data arrived: it answers with a "
		"RST and goes to CLOSED.",
		"{S}已经关闭了套接字，却又收到数据：它回以 RST 并进入 CLOSED。" },
	[NARR_STATE_LOST] = {
		"{S^} answers with a RST whose seq is the ACK it was sent: it has "
		"no such connection any more (it gave up on it, crashed or "
		"rebooted). The connection was half-open; {S} is CLOSED.",
		"{S}回了一个 RST，序号正是它收到的确认号：它已经没有这个连接了"
		"（放弃了、崩溃了或重启过）。这是一个半开连接；{S}处于 CLOSED。" },
	[NARR_NEW_SYN] = {
		"{S^} sends a new SYN with another ISN on this four-tuple: it has "
		"forgotten the old connection (a reboot or a reused port), so for "
		"{S} the old one is CLOSED.",
		"{S}在同一个四元组上发出了 ISN 不同的新 SYN：它已经忘了旧连接"
		"（重启过，或端口被重用），所以对{S}来说旧连接已是 CLOSED。" },
	[NARR_FIN_WAIT_2_TIMEOUT] = {
		"{S^} answers with a RST: it had left FIN_WAIT_2 long before. A "
		"closed (orphan) socket does not wait for the peer's FIN for ever "
		"(Linux: tcp_fin_timeout, 60 s); its timer ended it, sending "
		"nothing, so the capture shows it only now.",
		"{S}回了一个 RST：它早已离开 FIN_WAIT_2。已关闭的（孤儿）套接字不会"
		"无限期等待对方的 FIN（Linux：tcp_fin_timeout，60 秒）；定时器结束了"
		"它，而且不发送任何报文，所以抓包直到现在才显示出来。" },
	[NARR_SYN_TIMEOUT] = {
		"{S^}'s SYN retransmissions have stopped while the capture went on: "
		"it gave up, connect() failed with ETIMEDOUT, and {S} is CLOSED "
		"(inferred from the silence).",
		"{S}的 SYN 重传停止了，而抓包仍在继续：它已放弃，connect() 返回 "
		"ETIMEDOUT，{S}进入 CLOSED（这是从沉默中推断出来的）。" },
	[NARR_SYNACK_TIMEOUT] = {
		"{S^} has stopped retransmitting its SYN-ACK: the half-open entry "
		"was dropped from the SYN queue, and the listener stays in LISTEN "
		"(inferred from the silence).",
		"{S}不再重传 SYN-ACK：这个半连接条目已从 SYN 队列中删除，监听套接字"
		"仍处于 LISTEN（这是从沉默中推断出来的）。" },
	[NARR_GAVE_UP] = {
		"{S^}'s retransmissions have stopped without an answer while the "
		"capture went on: it gave up and is CLOSED (inferred from the "
		"silence).",
		"{S}的重传没有得到回应就停止了，而抓包仍在继续：它已放弃，进入 "
		"CLOSED（这是从沉默中推断出来的）。" },
	[NARR_COOKIE_LATE] = {
		"Looking back: this SYN-ACK of {S} was never retransmitted nor "
		"answered, while older half-open entries of the same listener "
		"were retransmitted. Its SYN queue was full ({N} entries), so it "
		"answered with a SYN cookie and kept no SYN_RCVD entry.",
		"回头看：{S}的这个 SYN-ACK 既没有重传也没有得到回应，而同一监听"
		"套接字更早的半连接条目都在重传。它的 SYN 队列已满（{N} 个条目），"
		"所以它用 SYN cookie 作答，并没有保存 SYN_RCVD 条目。" },
	[NARR_ASSUMED] = {
		"The capture starts in the middle of this connection: both sides "
		"are assumed to be ESTABLISHED until their segments say more.",
		"抓包从这个连接的中途开始：在报文段给出更多信息之前，假定双方都"
		"处于 ESTABLISHED。" },
	[NARR_ASSUMED_SYN_ACK] = {
		"The capture missed the SYN: from this SYN-ACK, the server is "
		"assumed to be in SYN_RCVD and the client in SYN_SENT.",
		"抓包漏掉了 SYN：根据这个 SYN-ACK，假定服务器处于 SYN_RCVD，客户端"
		"处于 SYN_SENT。" },
	[NARR_RETRANSMISSION] = {
		"{S^} sends sequence space it has sent before: a retransmission. "
		"The first copy, or its ACK, was lost or late; each time the "
		"retransmission timer runs out, its timeout doubles.",
		"{S}发送了以前发过的序号空间：这是一次重传。第一份（或它的 ACK）"
		"丢失或迟到了；每次重传定时器超时，超时时间都会加倍。" },
	[NARR_KEEPALIVE] = {
		"After a long silence {S} sends a keepalive probe: an ACK whose seq "
		"is one below the next byte (SND.UNA-1). A live peer must answer "
		"it with an ACK.",
		"沉默了很久之后，{S}发出保活探测：一个序号比下一个字节小一"
		"（SND.UNA-1）的 ACK。对方只要还活着，就必须回一个 ACK。" },
	[NARR_KEEPALIVE_ANSWER] = {
		"{S^} answers the keepalive probe with an ACK: the connection is "
		"still alive.",
		"{S}用 ACK 回应了保活探测：连接依然有效。" },
	[NARR_DUP_ACK] = {
		"{S^} sends the same acknowledgement again (a duplicate ACK): what "
		"arrived was not the next byte it expects, or it had it already.",
		"{S}再次发送同样的确认号（重复 ACK）：到达的不是它期待的下一个"
		"字节，或者是它已经收到过的数据。" },
	[NARR_CHALLENGE_ACK] = {
		"{S^} answers with a challenge ACK (RFC 5961): instead of obeying "
		"the unexpected SYN or RST it says where it really is, so that "
		"only a peer that knows the sequence numbers can end the "
		"connection.",
		"{S}回了一个挑战 ACK（RFC 5961）：它没有服从意外的 SYN 或 RST，"
		"而是告诉对方自己真正的序号位置，这样只有知道序号的真正对端"
		"才能结束连接。" },
	[NARR_OUT_OF_WINDOW] = {
		"This segment lies outside {S}'s receive window (already received, "
		"or beyond it): {S} discards it and answers with an ACK.",
		"这个报文段落在{S}的接收窗口之外（已经收到过，或超出了窗口）：{S}"
		"丢弃它，并回一个 ACK。" },
	[NARR_TFO] = {
		"TCP Fast Open: {S}'s SYN already carries data, with a cookie from "
		"an earlier connection, so the server can hand it to its "
		"application a round trip earlier.",
		"TCP Fast Open：{S}的 SYN 已经带上了数据，并附有上一次连接得到的 "
		"cookie，服务器因此可以提前一个往返时间把数据交给应用。" },
	[NARR_WINDOW_ZERO] = {
		"{S^} advertises a zero window: its receive buffer is full, and "
		"the peer must stop sending until a window update.",
		"{S}通告了零窗口：它的接收缓冲区已满，对方必须停止发送，直到"
		"窗口更新。" },
	[NARR_COOKIE] = {
		"{S^}'s SYN queue is full ({N} half-open entries, still being "
		"retransmitted): this SYN-ACK is a SYN cookie, and {S} keeps no "
		"SYN_RCVD entry for it.",
		"{S}的 SYN 队列已满（{N} 个半连接条目仍在重传）：这个 SYN-ACK 是 "
		"SYN cookie，{S}不为它保存 SYN_RCVD 条目。" },
	[NARR_COOKIE_AFTER] = {
		"Looking back: {S} sent this connection's SYN-ACK while its SYN "
		"queue was full, so it was a SYN cookie too, and the final ACK "
		"rebuilt the connection from it.",
		"回头看：{S}发送这个连接的 SYN-ACK 时 SYN 队列已满，所以它也是 "
		"SYN cookie，最后的 ACK 正是靠它重建了连接。" },
	[NARR_RST_CHALLENGE] = {
		"This RST is inside {S}'s window but not at the next expected "
		"sequence number: RFC 5961 has {S} keep the connection and answer "
		"with a challenge ACK.",
		"这个 RST 落在{S}的窗口之内，但不是它期待的下一个序号：按照 "
		"RFC 5961，{S}保留连接，并回一个挑战 ACK。" },
	[NARR_RST_IGNORED] = {
		"This RST is outside {S}'s window: {S} ignores it.",
		"这个 RST 落在{S}的窗口之外：{S}忽略它。" },
	[NARR_FORGED_RST] = {
		"{S^} goes on in its old sequence space after \"its\" RST: that RST "
		"cannot have come from {S}. It was forged by a third host (note "
		"that the states drawn after it follow the RST).",
		"{S}在“它自己的” RST 之后仍按原来的序号继续发送：那个 RST 不可能来自"
		"{S}，而是第三方伪造的（注意此后画出的状态是按那个 RST 推断的）。" },
	[NARR_SYNACK_AGAIN] = {
		"{S^} sends its SYN-ACK again: it never took the ACK that completed "
		"the handshake (Linux drops it while the accept queue is full), so "
		"it is still in SYN_RCVD, whatever the ladder showed.",
		"{S}再次发送 SYN-ACK：它并没有接受完成握手的那个 ACK（Linux 在"
		"全连接队列满时会丢弃它），所以它其实仍处于 SYN_RCVD，与图上所画的"
		"不同。" },
	[NARR_HALF_CLOSE] = {
		"{S^} still sends data in CLOSE_WAIT: the peer's FIN closed only "
		"the peer's direction (a half-close, as shutdown(SHUT_WR) does), "
		"and this one stays open until {S} sends its own FIN.",
		"{S}在 CLOSE_WAIT 中仍在发送数据：对方的 FIN 只关闭了对方那个方向"
		"（半关闭，就像 shutdown(SHUT_WR) 那样），这个方向一直开着，直到{S}"
		"发出自己的 FIN。" },
	[NARR_TIME_WAIT_AGAIN] = {
		"The peer's FIN comes again (the last ACK was lost): {S}, in "
		"TIME_WAIT, acknowledges it once more and starts its 2MSL wait "
		"over.",
		"对方的 FIN 又来了（最后一个 ACK 丢失了）：处于 TIME_WAIT 的{S}再次"
		"确认它，并重新开始 2MSL 等待。" },
};

/* Which transition gets which sentence. */
static const struct {
	int from, to;		/* -1: any */
	const char *cause;
	enum infer_narr id;
} narr_rules[] = {
	{ TCP_CLOSED, TCP_SYN_SENT, "snd-syn", NARR_SND_SYN },
	{ TCP_LISTEN, TCP_SYN_RCVD, "rcv-syn", NARR_RCV_SYN },
	{ TCP_SYN_SENT, TCP_SYN_RCVD, "rcv-syn", NARR_SIMOPEN },
	{ TCP_SYN_SENT, TCP_ESTABLISHED, "rcv-syn-ack", NARR_RCV_SYN_ACK },
	{ TCP_SYN_RCVD, TCP_ESTABLISHED, "rcv-syn-ack", NARR_SIMOPEN_DONE },
	{ TCP_SYN_RCVD, TCP_ESTABLISHED, "rcv-ack", NARR_HANDSHAKE_DONE },
	{ TCP_LISTEN, TCP_ESTABLISHED, "syn-cookie", NARR_COOKIE_DONE },
	{ TCP_ESTABLISHED, TCP_FIN_WAIT_1, "snd-fin", NARR_SND_FIN },
	{ TCP_SYN_RCVD, TCP_FIN_WAIT_1, "snd-fin", NARR_SND_FIN_EARLY },
	{ TCP_CLOSE_WAIT, TCP_LAST_ACK, "snd-fin", NARR_SND_FIN_LAST },
	{ -1, TCP_CLOSE_WAIT, "rcv-fin", NARR_RCV_FIN },
	{ TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, "rcv-ack", NARR_FIN_ACKED },
	{ TCP_FIN_WAIT_2, TCP_TIME_WAIT, "rcv-fin", NARR_TIME_WAIT },
	{ TCP_FIN_WAIT_1, TCP_TIME_WAIT, "rcv-fin-ack", NARR_THREE_WAY },
	{ TCP_FIN_WAIT_1, TCP_CLOSING, "rcv-fin", NARR_SIMCLOSE },
	{ TCP_CLOSING, TCP_TIME_WAIT, "rcv-ack", NARR_CLOSING_ACKED },
	{ TCP_LAST_ACK, TCP_CLOSED, "rcv-ack", NARR_LAST_ACKED },
	{ TCP_SYN_SENT, TCP_CLOSED, "rcv-rst", NARR_REFUSED },
	{ TCP_SYN_RCVD, TCP_LISTEN, "rcv-rst", NARR_HALF_OPEN_RST },
	{ TCP_TIME_WAIT, TCP_CLOSED, "rcv-rst", NARR_TIME_WAIT_RST },
	{ -1, TCP_CLOSED, "rcv-rst", NARR_RCV_RST },
	{ -1, TCP_CLOSED, "abort", NARR_ABORT },
	{ -1, TCP_CLOSED, "keepalive-timeout", NARR_KEEPALIVE_GIVE_UP },
	{ -1, TCP_CLOSED, "rcv-data-after-close", NARR_DATA_AFTER_CLOSE },
	{ -1, TCP_CLOSED, "state-lost", NARR_STATE_LOST },
	{ -1, TCP_CLOSED, "new-syn", NARR_NEW_SYN },
	{ TCP_FIN_WAIT_2, TCP_CLOSED, "fin-wait-2-timeout",
	    NARR_FIN_WAIT_2_TIMEOUT },
	{ TCP_SYN_SENT, TCP_CLOSED, "timeout", NARR_SYN_TIMEOUT },
	{ TCP_SYN_RCVD, TCP_LISTEN, "synack-timeout", NARR_SYNACK_TIMEOUT },
	{ -1, TCP_CLOSED, "timeout", NARR_GAVE_UP },
};

int infer_narr_transition(enum tcp_state from, enum tcp_state to,
    const char *cause)
{
	for (size_t i = 0; i < sizeof narr_rules / sizeof narr_rules[0]; i++) {
		if ((narr_rules[i].from < 0 || narr_rules[i].from == (int)from) &&
		    narr_rules[i].to == (int)to &&
		    strcmp(narr_rules[i].cause, cause) == 0)
			return narr_rules[i].id;
	}
	return -1;
}

static const char *const narr_side[2][2][2] = {
	/* [lang][side][capitalised] */
	{ { "the client", "The client" }, { "the server", "The server" } },
	{ { "客户端", "客户端" }, { "服务器", "服务器" } },
};

/* The template with its tokens filled in; cut at the buffer's end. */
static void narr_fill(char *out, size_t len, const char *t, int lang,
    int side, const char *num)
{
	size_t n = 0;

	while (*t != '\0' && n + 1 < len) {
		const char *word = NULL;
		size_t skip = 0;

		/* A capture narrates every transition: copy plain text at
		 * once, and compare only where a token may start. */
		if (*t != '{') {
			out[n++] = *t++;
			continue;
		}
		if (strncmp(t, "{S}", 3) == 0) {
			word = narr_side[lang][side][0];
			skip = 3;
		} else if (strncmp(t, "{S^}", 4) == 0) {
			word = narr_side[lang][side][1];
			skip = 4;
		} else if (strncmp(t, "{N}", 3) == 0) {
			word = num != NULL ? num : "?";
			skip = 3;
		}
		if (word == NULL) {
			out[n++] = *t++;
			continue;
		}
		n += (size_t)snprintf(out + n, len - n, "%s", word);
		if (n >= len)
			n = len - 1;
		t += skip;
	}
	out[n] = '\0';
}

void infer_narrate(struct trace *tr, struct infer_narr_memo *memo, int64_t t,
    int conn, int side, enum infer_narr id, const char *num)
{
	uint32_t *said = memo->text[id][side == SIDE_SERVER], pooled[2];
	char text[1024];

	if (num == NULL && said[0] != 0) {
		trace_add_narration_pooled(tr, t, conn, side, said[0], said[1]);
		return;
	}
	for (int lang = 0; lang < 2; lang++) {
		narr_fill(text, sizeof text, narr_text[id][lang], lang,
		    side == SIDE_SERVER, num);
		pooled[lang] = trace_pool(tr, text);
		if (num == NULL)
			said[lang] = pooled[lang];
	}
	trace_add_narration_pooled(tr, t, conn, side, pooled[0], pooled[1]);
}
