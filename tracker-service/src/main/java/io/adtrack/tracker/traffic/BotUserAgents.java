package io.adtrack.tracker.traffic;

import io.adtrack.conventions.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which user agents are bots: the patterns of {@code bot-user-agents.txt} (shipped in the jar, replaced by
 * BOT_UA_FILE), compiled once into a {@link SubstringAutomaton}, so checking a call reads its user agent once, a
 * table read per character, however many patterns there are. A missing or blank user agent is a bot. Immutable and
 * shared by every event loop.
 */
public final class BotUserAgents {

  /** The list in the jar, next to this class; its header documents the format. */
  static final String BUILT_IN = "bot-user-agents.txt";
  private static final int BOT = 1;
  private static final int EXCEPTION = 2;
  private static final int MAX_PATTERN_LENGTH = 128;

  private final SubstringAutomaton automaton;
  private final int patterns;
  private final int exceptions;
  private final String source;

  private BotUserAgents(SubstringAutomaton automaton, int patterns, int exceptions, String source) {
    this.automaton = automaton;
    this.patterns = patterns;
    this.exceptions = exceptions;
    this.source = source;
  }

  /**
   * The patterns of {@code file} (BOT_UA_FILE), else the list in the jar.
   *
   * @throws ConfigurationException naming BOT_UA_FILE when the file cannot be read or breaks the format
   */
  public static BotUserAgents load(Optional<Path> file) {
    if (file.isEmpty()) {
      try (InputStream in = BotUserAgents.class.getResourceAsStream(BUILT_IN)) {
        if (in == null) {
          throw new IllegalStateException(BUILT_IN + " missing from the jar");
        }
        return parse("the list in the jar", new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + BUILT_IN + " from the jar", e);
      }
    }
    Path path = file.get();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("BOT_UA_FILE", "BOT_UA_FILE=" + path + " cannot be read: " + e);
    }
    try {
      return parse(path.toString(), lines);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("BOT_UA_FILE", "BOT_UA_FILE=" + path + ": " + e.getMessage());
    }
  }

  /**
   * Compiles a list in the file format.
   *
   * @throws IllegalArgumentException naming the line that breaks the format
   */
  static BotUserAgents parse(String source, List<String> lines) {
    List<String> all = new ArrayList<>();
    List<Integer> kinds = new ArrayList<>();
    int exceptions = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean exception = line.startsWith("!");
      String pattern = (exception ? line.substring(1).strip() : line).toLowerCase(Locale.ROOT);
      if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH || !printableAscii(pattern)) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not a pattern of 1-" + MAX_PATTERN_LENGTH
            + " printable ASCII characters");
      }
      all.add(pattern);
      kinds.add(exception ? EXCEPTION : BOT);
      exceptions += exception ? 1 : 0;
    }
    if (all.size() == exceptions) {
      throw new IllegalArgumentException("no pattern (only comments, blank lines or exceptions)");
    }
    // With exceptions, a match alone settles nothing: read on until an exception shows up too, or the end.
    int stop = exceptions == 0 ? BOT : BOT | EXCEPTION;
    SubstringAutomaton automaton = new SubstringAutomaton(all, kinds.stream().mapToInt(Integer::intValue).toArray(),
        stop);
    return new BotUserAgents(automaton, all.size() - exceptions, exceptions, source);
  }

  /** Whether a call with this {@code User-Agent} (null: none sent) is a bot's. */
  public boolean isBot(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return true;
    }
    int found = automaton.scan(userAgent);
    return (found & BOT) != 0 && (found & EXCEPTION) == 0;
  }

  /** What was loaded, for the start-up log. */
  public String describe() {
    return patterns + " patterns and " + exceptions + " exceptions from " + source + " (" + automaton.states()
        + " automaton states)";
  }

  private static boolean printableAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7F) {
        return false;
      }
    }
    return true;
  }
}
