package io.adtrack.cloudformation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds relative links in Markdown files that lead nowhere: to a file that does not exist, or to an {@code #anchor}
 * that no heading of the target produces. Anchors are computed as GitHub renders them (lower case, punctuation
 * dropped, spaces to hyphens, {@code -1}, {@code -2} for repeated headings). Code blocks and code spans are not
 * read: what they hold is text, not links.
 */
final class MarkdownLinks {

  private static final Pattern FENCED_BLOCK = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
  /** {@code [text](target "title")}, and images alike. */
  private static final Pattern INLINE_LINK =
      Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  /** {@code [label]: target}. */
  private static final Pattern REFERENCE_DEFINITION =
      Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern HEADING = Pattern.compile("(?m)^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

  /** One link that leads nowhere, with where it was written. */
  record Broken(Path file, String target, String reason) {
    @Override
    public String toString() {
      return file + ": (" + target + ") " + reason;
    }
  }

  /** Every broken relative link of these files, in file order. */
  List<Broken> brokenLinks(List<Path> files) {
    List<Broken> broken = new ArrayList<>();
    for (Path file : files) {
      for (String target : links(read(file))) {
        String reason = check(file, target);
        if (reason != null) {
          broken.add(new Broken(file, target, reason));
        }
      }
    }
    return broken;
  }

  /** The anchors the headings of a Markdown file produce, in order. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher heading = HEADING.matcher(withoutCode(markdown, false));
    while (heading.find()) {
      String slug = slug(heading.group(1));
      int repeat = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
    }
    return anchors;
  }

  /** GitHub's heading anchor: the rendered text, lower case, without punctuation, spaces turned into hyphens. */
  static String slug(String heading) {
    String text = heading
        .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link or image: its text
        .replaceAll("[`*]", "")                         // code and emphasis markers
        .toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        slug.appendCodePoint(c);
      } else if (c == ' ') {
        slug.append('-');
      }
    });
    return slug.toString();
  }

  private String check(Path file, String target) {
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      return null; // absolute URL (https:, mailto:): not this repository's to check
    }
    int hash = target.indexOf('#');
    String pathPart = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
    if (!Files.exists(resolved)) {
      return "no such file: " + resolved;
    }
    if (anchor == null || anchor.isEmpty()) {
      return null;
    }
    if (!resolved.getFileName().toString().endsWith(".md")) {
      return "an anchor into a file that is not Markdown";
    }
    Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, path -> anchors(read(path)));
    return anchors.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + resolved.getFileName();
  }

  private static List<String> links(String markdown) {
    String text = withoutCode(markdown, true);
    List<String> targets = new ArrayList<>();
    for (Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION)) {
      Matcher link = pattern.matcher(text);
      while (link.find()) {
        targets.add(link.group(1));
      }
    }
    return targets;
  }

  /** The text without fenced code blocks and, if asked, without code spans (headings keep theirs as text). */
  private static String withoutCode(String markdown, boolean spansToo) {
    String text = FENCED_BLOCK.matcher(markdown).replaceAll("");
    return spansToo ? CODE_SPAN.matcher(text).replaceAll("") : text;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
