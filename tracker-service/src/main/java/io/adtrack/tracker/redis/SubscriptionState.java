package io.adtrack.tracker.redis;

/** What the readiness check needs to know about the pub/sub connection; written by {@link RedisVerticle}. */
public final class SubscriptionState {

  private volatile boolean connected;
  private volatile boolean subscribed;

  /** The dedicated subscriber connection to Redis is open. */
  public boolean connected() {
    return connected;
  }

  /** Redis confirmed the SUBSCRIBE on that connection, so changes reach L1. */
  public boolean subscribed() {
    return subscribed;
  }

  void connected(boolean value) {
    connected = value;
    if (!value) {
      subscribed = false;
    }
  }

  void subscribed(boolean value) {
    subscribed = value;
  }
}
