package io.adtrack.bench.sink;

/**
 * An open-addressing set of non-zero longs: counts distinct partition keys (by 64-bit hash) of millions of records
 * in a few tens of megabytes, where a {@code HashSet<String>} would take hundreds. Not thread-safe.
 */
final class LongHashSet {

  private long[] slots = new long[1 << 16];
  private int size;

  /** Adds {@code value} (0 is mapped to 1); true when it was not there yet. */
  boolean add(long value) {
    long key = value == 0 ? 1 : value;
    // Load factor 3/4: linear probing stays short, and ten million keys fit in 128 MiB.
    if (size * 4L >= slots.length * 3L) {
      grow();
    }
    if (insert(slots, key)) {
      size++;
      return true;
    }
    return false;
  }

  int size() {
    return size;
  }

  void clear() {
    slots = new long[1 << 16];
    size = 0;
  }

  private static boolean insert(long[] table, long key) {
    int mask = table.length - 1;
    int i = (int) (mix(key) & mask);
    while (table[i] != 0) {
      if (table[i] == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = key;
    return true;
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long key : slots) {
      if (key != 0) {
        insert(bigger, key);
      }
    }
    slots = bigger;
  }

  private static long mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 32);
  }

  /** FNV-1a, 64 bits: enough to tell a few million message ids apart without keeping them. */
  static long hash(CharSequence text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
