package io.adtrack.tracker.validation;

import io.adtrack.tracker.metrics.Outcome;

/**
 * Why a tracking call is refused, with the HTTP status docs/contracts.md, "Tracking calls (HTTP API)", gives it. The
 * message goes to the caller, so it never quotes core data (in particular not the checksum).
 */
public record Rejection(int status, String message) {

  public static Rejection badRequest(String message) {
    return new Rejection(400, message);
  }

  public static Rejection notFound(String message) {
    return new Rejection(404, message);
  }

  public static Rejection gone(String message) {
    return new Rejection(410, message);
  }

  /** A click link of a program that signs its links, unsigned, wrongly signed or expired. */
  public static Rejection forbidden(String message) {
    return new Rejection(403, message);
  }

  /** The metrics outcome of this rejection. */
  public Outcome outcome() {
    return switch (status) {
      case 403 -> Outcome.FORBIDDEN;
      case 404 -> Outcome.NOT_FOUND;
      case 410 -> Outcome.GONE;
      default -> Outcome.BAD_REQUEST;
    };
  }
}
