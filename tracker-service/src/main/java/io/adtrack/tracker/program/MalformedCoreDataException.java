package io.adtrack.tracker.program;

/** Core data that breaks the contract (a missing version, an unparsable date): a fault upstream, not a 404. */
public final class MalformedCoreDataException extends RuntimeException {

  public MalformedCoreDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
