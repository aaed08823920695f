package io.adtrack.tracker.event;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for message ids, as unique as {@link UUID#randomUUID()} (122 bits from a
 * cryptographically strong generator) but without its one process-wide, lock-guarded generator: each thread draws
 * from its own DRBG, 4 KiB at a time. On the hot path of every tracking call, that contention showed.
 */
public final class MessageIds {

  private static final int BATCH_BYTES = 4096;
  private static final ThreadLocal<MessageIds> PER_THREAD = ThreadLocal.withInitial(MessageIds::new);

  private final SecureRandom random;
  private final byte[] bytes = new byte[BATCH_BYTES];
  private int next = BATCH_BYTES;

  private MessageIds() {
    try {
      random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without a DRBG SecureRandom", e);
    }
  }

  /** A new random UUID as its canonical string. */
  public static String next() {
    return PER_THREAD.get().nextUuid().toString();
  }

  private UUID nextUuid() {
    if (next + 16 > BATCH_BYTES) {
      random.nextBytes(bytes);
      next = 0;
    }
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = most << 8 | bytes[next + i] & 0xff;
      least = least << 8 | bytes[next + 8 + i] & 0xff;
    }
    next += 16;
    most = most & ~0xF000L | 0x4000L;                     // version 4
    least = least & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L; // IETF variant
    return new UUID(most, least);
  }
}
