package io.adtrack.tracker.client;

/**
 * REFERER_DETAIL: how much of the Referer header the event keeps. A query string or fragment often carries what a
 * page knows about its visitor (search terms, e-mail addresses, session ids), so by default they go.
 */
public enum RefererDetail {

  /** Scheme, host, port and path: no query string, no fragment, no user info (the default). */
  PATH,
  /** Scheme, host and port only, e.g. {@code https://publisher.example}: what a call that opted out keeps. */
  ORIGIN,
  /** The header as sent. */
  FULL;

  /** The part of {@code referer} this level keeps; "" stays "". */
  public String apply(String referer) {
    if (this == FULL || referer.isEmpty()) {
      return referer;
    }
    int scheme = referer.indexOf("://");
    if (scheme < 0) {
      // Not an absolute URL (browsers send nothing else): keep nothing of it that could be a query.
      return this == ORIGIN ? "" : referer.substring(0, endOfPath(referer, 0));
    }
    int authorityStart = scheme + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < referer.length() && "/?#".indexOf(referer.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    int userInfo = referer.lastIndexOf('@', authorityEnd - 1);
    int hostStart = userInfo >= authorityStart ? userInfo + 1 : authorityStart;
    String origin = referer.substring(0, authorityStart) + referer.substring(hostStart, authorityEnd);
    return this == ORIGIN ? origin : origin + referer.substring(authorityEnd, endOfPath(referer, authorityEnd));
  }

  private static int endOfPath(String url, int from) {
    for (int i = from; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return url.length();
  }
}
