package io.adtrack.bench.load;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What a load round asks for: a name for the report and the next request path, drawn from the random source each
 * generator thread passes in (and from nothing else, so a mix is safe to share).
 *
 * @param name  how the report calls the mix
 * @param paths the next request path, given the thread's random source
 */
public record RequestMix(String name, Function<SplittableRandom, String> paths) {

  /** The path of the next request. */
  public String nextPath(SplittableRandom random) {
    return paths.apply(random);
  }

  /** {@code GET /event/{id}} over known programs (a warm cache after the first round). */
  public static RequestMix event(List<String> programIds) {
    return known("/event", "event", programIds);
  }

  /** {@code GET /pixel/{id}} over known programs. */
  public static RequestMix pixel(List<String> programIds) {
    return known("/pixel", "pixel", programIds);
  }

  /** {@code GET /click/{id}} over known programs (302 to the landing URL). */
  public static RequestMix click(List<String> programIds) {
    return known("/click", "click", programIds);
  }

  /**
   * {@code GET /event/{id}} where {@code unknownShare} of the calls name a program that does not exist, each time
   * a new one, so every such call misses the L1 and negative caches and costs a Redis round trip (the worst case:
   * bots inventing ids).
   */
  public static RequestMix eventWithUnknown(List<String> programIds, double unknownShare) {
    RequestMix known = event(programIds);
    return new RequestMix("event+" + Math.round(unknownShare * 100) + "%unknown", random ->
        random.nextDouble() < unknownShare
            ? "/event/unknown-" + Long.toHexString(random.nextLong())
            : known.nextPath(random));
  }

  /** {@code GET /event/{id}} of a program that does not exist, each time a new one: a flood of invented ids. */
  public static RequestMix invented() {
    return new RequestMix("invented ids", random -> "/event/invented-" + Long.toHexString(random.nextLong()));
  }

  private static RequestMix known(String prefix, String name, List<String> programIds) {
    List<String> paths = programIds.stream().map(id -> prefix + "/" + id).toList();
    return new RequestMix(name, random -> paths.get(random.nextInt(paths.size())));
  }
}
