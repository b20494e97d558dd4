/**
 * Errors services throw when a request cannot be carried out. They say what went wrong in
 * terms of the domain; `HttpErrorFilter` turns them into HTTP replies, gateways into WebSocket
 * error messages.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

/** The request clashes with what exists; `field`, when given, names the value that clashes. */
export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** A request whose content is wrong; `field` is the path of the offending value. */
export class InvalidInputError extends DomainError {
  readonly status = 400;
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

/**
 * The store could not keep a write (or something else Pharos needs is away); the client must
 * be told it was not kept, and may try again after `retryAfterSeconds`. Whoever throws it has
 * logged why (or counted it: `DatabaseOutage`); the HTTP filter does not log it again.
 */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  constructor(message: string, readonly retryAfterSeconds = 5) {
    super(message);
  }
}
