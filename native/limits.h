// Every fixed size and interval of hotpath-server, in one place. The ones a
// user can change are flags (server_config.h, native/README.md); these are
// the ones they cannot, each with the reason for its value.
#pragma once
#include <cstddef>
#include <cstdint>

#include "directive.h"  // kMaxHeaderFields, the fields the core reads
#include "match.h"  // kMaxTargetLength, the router's target limit

namespace hotpath::native {

// ---- HTTP/1.1 parsing (http_parser.h defaults, Http1Session) ----

// A request line longer than this answers 414: the router's target limit
// plus room for the method and the version.
constexpr uint32_t kMaxRequestLineBytes = kMaxTargetLength + 64;
// Default of --max-header-bytes: request line plus header section; over: 431.
constexpr uint32_t kDefaultMaxHeaderBytes = 16384;
// Header field lines per request (more: 431) are the core's
// hotpath::kMaxHeaderFields (router/directive.h): also the capacity of the
// field array a session hands to its answer step (no allocation per request).
// Trailer section of a chunked body; larger: 400.
constexpr uint32_t kMaxTrailerBytes = 16384;
// Answers a connection may have queued (pipelined requests whose answer
// is not written yet) before its session parses no further request.
constexpr uint32_t kMaxQueuedAnswers = 64;

// ---- routing (RouteAnswers) ----

// Decoded parameter values: match_request needs min(target, 8192) bytes.
constexpr uint32_t kParamScratchBytes = kMaxTargetLength;

// ---- listening (listener.cpp) ----

// The accept queue asked of listen(): a burst of new connections (wrk -c1000,
// a load balancer's reconnects) waits there instead of having its SYNs
// dropped and retried seconds later. The kernel caps it at
// net.core.somaxconn (4096 on Debian 12). HotpathServer's node:http listener
// asks for the same (adapters/server/limits.ts, LISTEN_BACKLOG).
constexpr int kListenBacklog = 4096;

// ---- the event loop (EventLoop) ----

// One read() into the loop's buffer; a request head parsed from it needs
// no copy unless it is cut by the end of the read.
constexpr size_t kReadChunkBytes = 65536;
// Full reads per readiness event before the other connections get a turn.
constexpr int kReadRoundsPerEvent = 8;
// Unsent answer bytes of one connection above which it is not read (the
// client is not reading what it asked for).
constexpr size_t kMaxPendingOutputBytes = 1 << 20;
// An emptied per-connection output buffer larger than this is released.
constexpr size_t kKeptOutputCapacityBytes = 16384;
// After our side shut down: how long the client's remaining bytes are
// drained before the connection is closed anyway.
constexpr int64_t kLingerMs = 2000;
// Events taken from one epoll_wait.
constexpr int kEpollBatch = 256;
// epoll_wait timeout, and the period of the timeout sweep: how late a
// header, idle, write or linger timeout may fire.
constexpr int kTickMs = 250;
// Connections accepted per listener event before serving the others.
constexpr int kAcceptBatch = 64;

// ---- handler routes (FallbackProxy, fallback_client.*) ----

// Unsent request frames on one fallback connection above which the bodies
// being read for it pause (the fallback is not reading); they resume below
// half of it.
constexpr size_t kFallbackBackPressureBytes = 4 << 20;
// When the server stops, requests waiting on a fallback are answered (504
// at the latest) this long before the grace period ends, so that their
// answers are written before the loop exits.
constexpr int64_t kStopAnswerMarginMs = 4 * kTickMs;

// ---- route table reloads (main.cpp) ----

// While replaced tables wait to be freed, how often the main thread checks
// whether every event loop has passed a quiescent point.
constexpr int64_t kReclaimPollMs = 20;

}  // namespace hotpath::native
