package io.adtrack.updater.coredata;

/** A core-data document that breaks the schema; the message is the reason, fit for a log line. */
public final class InvalidProgramException extends Exception {

  private static final long serialVersionUID = 1L;

  public InvalidProgramException(String reason) {
    super(reason);
  }

  public InvalidProgramException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
