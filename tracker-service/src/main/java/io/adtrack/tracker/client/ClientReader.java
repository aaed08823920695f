package io.adtrack.tracker.client;

import io.adtrack.proto.Privacy;
import io.adtrack.tracker.event.ClientInfo;
import io.adtrack.tracker.traffic.TrafficSignals;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * Who made a call, with the configured privacy already applied: nothing a rule removes ever reaches the event.
 * Immutable, shared by all HTTP verticles.
 */
public final class ClientReader {

  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence DNT = HttpHeaders.createOptimized("DNT");
  private static final CharSequence SEC_GPC = HttpHeaders.createOptimized("Sec-GPC");
  private static final CharSequence SEC_PURPOSE = HttpHeaders.createOptimized("Sec-Purpose");
  private static final CharSequence PURPOSE = HttpHeaders.createOptimized("Purpose");

  private final int trustedProxies;
  private final IpAnonymization ipAnonymization;
  private final RefererDetail refererDetail;
  private final Privacy privacy;

  /**
   * @param trustedProxies  TRUSTED_PROXIES: reverse proxies in front of the tracker that append to X-Forwarded-For
   * @param ipAnonymization IP_ANONYMIZATION
   * @param refererDetail   REFERER_DETAIL
   */
  public ClientReader(int trustedProxies, IpAnonymization ipAnonymization, RefererDetail refererDetail) {
    this.trustedProxies = trustedProxies;
    this.ipAnonymization = ipAnonymization;
    this.refererDetail = refererDetail;
    this.privacy = privacyOf(ipAnonymization);
  }

  /** The event's {@code privacy} for a call that did not opt out. */
  static Privacy privacyOf(IpAnonymization ipAnonymization) {
    return switch (ipAnonymization) {
      case TRUNCATE -> Privacy.IP_TRUNCATED;
      case DROP -> Privacy.IP_DROPPED;
      case OFF -> Privacy.IP_FULL;
    };
  }

  public ClientInfo read(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    return read(request.headers(), peer == null ? "" : peer.hostAddress());
  }

  /**
   * A call that opted out (DNT or GPC) is still counted, without personal data: no address, no user agent, the
   * referer's origin only. Any other call keeps its user agent, its address as IP_ANONYMIZATION leaves it and its
   * referer as REFERER_DETAIL leaves it.
   */
  public ClientInfo read(MultiMap headers, String peer) {
    String referer = orEmpty(headers.get(HttpHeaders.REFERER));
    if (PrivacySignals.optedOut(headers.get(DNT), headers.get(SEC_GPC))) {
      return new ClientInfo("", RefererDetail.ORIGIN.apply(referer), "", Privacy.LIMITED);
    }
    String address = ClientAddress.resolve(forwardedFor(headers), peer, trustedProxies);
    return new ClientInfo(orEmpty(headers.get(HttpHeaders.USER_AGENT)), refererDetail.apply(referer),
        ipAnonymization.apply(address), privacy);
  }

  public TrafficSignals signals(HttpServerRequest request, boolean clientKey) {
    SocketAddress peer = request.remoteAddress();
    return signals(request.headers(), peer == null ? "" : peer.hostAddress(), clientKey);
  }

  /**
   * What classification reads of a call, before any opt-out removes it. The client key (for clicks: {@code
   * clientKey} true) names the address as IP_ANONYMIZATION leaves it even when the call opted out: the key is a
   * digest that lives CLICK_DEDUP_SECONDS in Redis and reaches no event, and otherwise {@code DNT: 1} would be a way
   * around duplicate-click detection.
   */
  public TrafficSignals signals(MultiMap headers, String peer, boolean clientKey) {
    String userAgent = headers.get(HttpHeaders.USER_AGENT);
    boolean prefetch = PrivacySignals.prefetch(headers.get(SEC_PURPOSE), headers.get(PURPOSE));
    String key = clientKey
        ? TrafficSignals.clientKey(ipAnonymization.apply(ClientAddress.resolve(forwardedFor(headers), peer,
            trustedProxies)), userAgent)
        : null;
    return new TrafficSignals(userAgent, prefetch, key);
  }

  /** Every X-Forwarded-For line joined, as RFC 9110 reads repeated list headers; not read when nothing trusts it. */
  private String forwardedFor(MultiMap headers) {
    if (trustedProxies == 0) {
      return null;
    }
    List<String> lines = headers.getAll(X_FORWARDED_FOR);
    return switch (lines.size()) {
      case 0 -> null;
      case 1 -> lines.get(0);
      default -> String.join(",", lines);
    };
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
