package io.adtrack.tracker.cache;

/** The core data could not be read (Redis down, slow or refusing): answered 503, never 404. */
public final class CoreDataUnavailableException extends RuntimeException {

  public CoreDataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
