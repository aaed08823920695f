package io.adtrack.tracker.validation;

/** A call's own input is malformed (400): thrown while reading parameters, caught at the edge. */
public final class InvalidCallException extends RuntimeException {

  public InvalidCallException(String message) {
    super(message, null, false, false);
  }

  public Rejection rejection() {
    return Rejection.badRequest(getMessage());
  }
}
