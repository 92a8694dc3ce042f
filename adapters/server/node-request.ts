/**
 * The Request the node:http listener hands to app.fetch. It is a Request
 * (instanceof, every property and method), except that its `signal` is made
 * when first read: on Node 20 a Request constructed with a signal costs
 * about 12 µs more than one without (undici ties the two signals together
 * with a WeakRef and a FinalizationRegistry), and most handlers never read
 * it. The signal aborts when the client goes away before the answer is
 * written, as before: read after that, it is already aborted.
 *
 * A Request made from this one (`new Request(request)`, `clone()`) carries
 * undici's own signal, which never aborts.
 */
export class NodeRequest extends Request {
  #controller: AbortController | null = null;
  #gone = false;

  override get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** @internal The client went away before the answer was written. */
  clientGone(): void {
    this.#gone = true;
    this.#controller?.abort();
  }
}
