package io.adtrack.tracker.event;

import io.adtrack.proto.Privacy;

/**
 * Who made a tracking call, as far as HTTP tells and privacy allows (see {@code ClientReader}): empty strings for
 * what is unknown or removed.
 *
 * @param clientIp the client's address after IP_ANONYMIZATION
 * @param privacy  which treatment the other fields got
 */
public record ClientInfo(String userAgent, String referer, String clientIp, Privacy privacy) {
}
