package io.adtrack.bench.micro;

import io.adtrack.tracker.traffic.BotUserAgents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What telling a bot's user agent costs the tracker per call: its one-pass automaton over the shipped patterns
 * ({@link BotUserAgents}) against the two obvious ways of doing it, a precompiled regex per pattern and a
 * {@code contains} per pattern over the lower-cased user agent, on the user agents the tracker sees most and two
 * bots. Run by the benchmark runner (phase {@code ua}), in a JVM of its own with the tracker's jar behind it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UserAgentMatching {

  /** The user agents measured, by the name the report shows. */
  public static final Map<String, String> USER_AGENTS = Map.of(
      "chrome-desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          + "Chrome/131.0.0.0 Safari/537.36",
      "safari-iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
          + "Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
      "googlebot", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
          + "Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "curl", "curl/8.5.0");

  /** Those of people: nothing matches, so every pattern must be ruled out (the common case, and the dearest). */
  public static final Set<String> BROWSERS = Set.of("chrome-desktop", "safari-iphone");

  @Param({"chrome-desktop", "safari-iphone", "googlebot", "curl"})
  public String userAgent;

  private String text;
  private BotUserAgents automaton;
  private List<Pattern> regexes;
  private List<String> substrings;

  @Setup
  public void setUp() {
    text = USER_AGENTS.get(userAgent);
    automaton = BotUserAgents.load(Optional.empty());
    substrings = shippedPatterns();
    regexes = substrings.stream().map(p -> Pattern.compile(Pattern.quote(p), Pattern.CASE_INSENSITIVE)).toList();
  }

  @Benchmark
  public boolean automaton() {
    return automaton.isBot(text);
  }

  @Benchmark
  public boolean regexPerPattern() {
    for (Pattern pattern : regexes) {
      if (pattern.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  @Benchmark
  public boolean containsPerPattern() {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String pattern : substrings) {
      if (lower.contains(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** The bot patterns of the list in the tracker's jar (its exceptions left out: the loops would not know them). */
  static List<String> shippedPatterns() {
    try (InputStream in = BotUserAgents.class.getResourceAsStream("bot-user-agents.txt")) {
      if (in == null) {
        throw new IllegalStateException("bot-user-agents.txt is not on the classpath: the tracker's jar must be");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("!"))
          .map(line -> line.toLowerCase(Locale.ROOT)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
