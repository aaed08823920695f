package io.adtrack.bench.load;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a load round asks for: a name for the report and the next request path. Implementations must be
 * stateless apart from the random source each generator thread passes in.
 */
public interface RequestMix {

  String name();

  String nextPath(SplittableRandom random);

  /** {@code GET /event/{id}} over known programs (a warm cache after the first round). */
  static RequestMix event(List<String> programIds) {
    return known("/event", "event", programIds);
  }

  /** {@code GET /pixel/{id}} over known programs. */
  static RequestMix pixel(List<String> programIds) {
    return known("/pixel", "pixel", programIds);
  }

  /** {@code GET /click/{id}} over known programs (302 to the landing URL). */
  static RequestMix click(List<String> programIds) {
    return known("/click", "click", programIds);
  }

  /**
   * {@code GET /event/{id}} where {@code unknownShare} of the calls name a program that does not exist, each time
   * a new one, so every such call misses the L1 and negative caches and costs a Redis round trip (the worst case:
   * bots inventing ids).
   */
  static RequestMix eventWithUnknown(List<String> programIds, double unknownShare) {
    String name = "event+" + Math.round(unknownShare * 100) + "%unknown";
    return new RequestMix() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String nextPath(SplittableRandom random) {
        if (random.nextDouble() < unknownShare) {
          return "/event/unknown-" + Long.toHexString(random.nextLong());
        }
        return "/event/" + programIds.get(random.nextInt(programIds.size()));
      }
    };
  }

  private static RequestMix known(String prefix, String name, List<String> programIds) {
    List<String> paths = programIds.stream().map(id -> prefix + "/" + id).toList();
    return new RequestMix() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String nextPath(SplittableRandom random) {
        return paths.get(random.nextInt(paths.size()));
      }
    };
  }
}
