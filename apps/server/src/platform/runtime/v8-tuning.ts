import { setFlagsFromString } from 'node:v8';

/** The V8 flag, as given on a `node` command line (NODE_OPTIONS does not take it). */
export const NO_ALLOCATION_SITE_PRETENURING = '--no-allocation-site-pretenuring';

/**
 * Turns V8's allocation-site pretenuring off for this process, before it serves anything.
 *
 * Under sustained load V8 judged the objects made at some allocation sites long-lived and
 * began making them in the old generation at once. Each still referred to its request's young
 * objects after the request was answered, and the young-generation collector counts every
 * reference from the old generation as live until a full collection finds it dead: so each
 * request's body, its text and its sample survived the next scavenge and were copied to the
 * old generation, there to wait for a mark-compact. Found by elimination (a bare Fastify server
 * promotes none of it; Pharos promoted ~3.3 MB per scavenge, about everything allocated for
 * the requests since the previous one). Measured with `--trace-gc-nvp` at 1,500 large node
 * reports/s: promoted per scavenge 3.3 MB → ~60 KB, scavenge pauses ~5 → ~1.5 ms. The
 * benchmarks' load generators and bare servers run with it too: the generator's own
 * collections were counted in the latency it measured.
 */
export function disableAllocationSitePretenuring(): void {
  setFlagsFromString(NO_ALLOCATION_SITE_PRETENURING);
}
