// Hotpath's routing core: one include for users of the core.
//
// Freestanding C++17: no exceptions, RTTI, libc, heap or global constructors.
// The same files build for wasm32 (router.wasm) and natively (hotpath-server).
//
//   Arena arena{buffer, size, 0};
//   RouteTable table;  LoadError error;
//   if (!parse_route_table(text, length, arena, &table, &error)) ...
//   Match match;
//   match_request(table.root, request_method_from_token(m, n), target, len,
//                 scratch, &match);
//   uint32_t size = render_body(*match.route, match.params, out, capacity);
#pragma once

#include "answer.h"
#include "arena.h"
#include "directive.h"
#include "match.h"
#include "method.h"
#include "render.h"
#include "route.h"
#include "table.h"
