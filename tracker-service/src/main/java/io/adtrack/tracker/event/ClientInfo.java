package io.adtrack.tracker.event;

/**
 * Who made a tracking call, as far as HTTP tells: empty strings when a header is missing.
 *
 * @param clientIp the first X-Forwarded-For hop (the ALB appends the peer it saw), else the TCP peer
 */
public record ClientInfo(String userAgent, String referer, String clientIp) {
}
