package io.adtrack.tracker.spool;

/**
 * The spool cannot be opened: its directory is missing, not a directory, not writable, in use by another process,
 * or unreadable. The message is one line meant for an operator (the caller exits with it).
 */
public final class SpoolOpenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SpoolOpenException(String message) {
    super(message);
  }

  public SpoolOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
