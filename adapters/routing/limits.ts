/**
 * The limits of the route table and the matcher. The C++ core owns them
 * (the header named beside each); tests/ts/router/constants.test.ts reads
 * those headers and fails when a value here differs.
 */

/** A request target longer than this (bytes) answers 414. router/match.h kMaxTargetLength */
export const MAX_TARGET_LENGTH = 8192;

/** Segments per route path. router/route.h kMaxSegments */
export const MAX_SEGMENTS = 256;

/** Parameters (and wildcards) per route path. router/route.h kMaxParams */
export const MAX_PARAMS = 32;

/** Distinct content types per table. router/route.h kMaxContentTypes */
export const MAX_CONTENT_TYPES = 32767;

/** Placeholders per BODY. router/table.h kMaxPlaceholders */
export const MAX_PLACEHOLDERS = 1024;

/** Bytes of a load-error message ("line N: reason"), cut beyond. router/table.h kMaxErrorMessage */
export const MAX_ERROR_MESSAGE = 256;

/** MIDDLEWARE lines per table, and ROUTE_MIDDLEWARE lines per route. router/directive.h kMaxChainSteps */
export const MAX_CHAIN_STEPS = 64;

/** Origins of a CORS line. router/directive.h kMaxCorsOrigins */
export const MAX_CORS_ORIGINS = 32;

/** ROUTE_MIDDLEWARE applies to routes numbered below this. router/directive.h kMaxMiddlewareRoute */
export const MAX_MIDDLEWARE_ROUTE = 0xfffe;

/** Distinct request header names the directives read. router/table_parser.h kMaxNeededHeaders */
export const MAX_NEEDED_HEADERS = 64;

/** Bytes of one parameter constraint's text. router/constraint.h kMaxConstraintLength */
export const MAX_CONSTRAINT_LENGTH = 256;

/** Symbols of a constraint once its repetitions are written out. router/constraint.h kMaxConstraintPositions */
export const MAX_CONSTRAINT_POSITIONS = 127;

/** States of a constraint's automaton (the start state included). router/constraint.h kMaxConstraintStates */
export const MAX_CONSTRAINT_STATES = 64;

/** Symbol classes a constraint's automaton tells apart. router/constraint.h kMaxConstraintClasses */
export const MAX_CONSTRAINT_CLASSES = 32;

/** Groups nested in one another in a constraint. router/constraint.h kMaxConstraintDepth */
export const MAX_CONSTRAINT_DEPTH = 16;

/** Parameters in one segment. router/segment.h kMaxSegmentParams */
export const MAX_SEGMENT_PARAMS = 8;

/** Automaton states of a segment with several parameters. router/segment.h kMaxSegmentStates */
export const MAX_SEGMENT_STATES = 128;
