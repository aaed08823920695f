package io.adtrack.updater.publish;

import io.adtrack.conventions.ClickSigning;
import io.adtrack.conventions.Environment;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code sign-click}: prints a signed click link for a program with a clickSigningKey (docs/invalid-traffic.md,
 * "Signed click links"), the reference an ad server's own signing code can be checked against.
 *
 * <pre>
 * CLICK_SIGNING_KEY=... java -jar redis-updater.jar sign-click https://track.example 212313 slot=top \
 *     [--expires-in SECONDS | --expires-at EPOCH_SECONDS]
 * </pre>
 *
 * <p>The key comes from the environment, never from the command line, where any user of the machine could read it
 * in the process list; it is printed nowhere. The link expires in a day unless told otherwise. Exit code 0: the link
 * is on stdout, alone on its line; 2: usage error, or no valid key.
 */
public final class SignClick {

  static final String COMMAND = "sign-click";
  static final String KEY_VARIABLE = "CLICK_SIGNING_KEY";
  private static final long DEFAULT_EXPIRES_IN_SECONDS = 86_400;
  private static final Pattern PROGRAM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String USAGE = "usage: sign-click <tracker URL> <programId> [name=value ...]"
      + " [--expires-in SECONDS | --expires-at EPOCH_SECONDS]\n"
      + "env: " + KEY_VARIABLE + " = the program's clickSigningKey (" + ClickSigning.MIN_KEY_LENGTH + "-"
      + ClickSigning.MAX_KEY_LENGTH + " printable ASCII characters)";

  private SignClick() {
  }

  /** The command without System.exit, for tests; {@code args} are those after the command's name. */
  public static int run(String[] args, Environment env, Clock clock, PrintStream out, PrintStream err) {
    Optional<String> key = env.optional(KEY_VARIABLE);
    if (key.isEmpty() || !ClickSigning.isValidKey(key.get())) {
      err.println(KEY_VARIABLE + " must be set to the program's clickSigningKey (" + ClickSigning.MIN_KEY_LENGTH
          + "-" + ClickSigning.MAX_KEY_LENGTH + " printable ASCII characters)");
      err.println(USAGE);
      return PublishPrograms.EXIT_INVALID;
    }
    Map<String, String> params = new LinkedHashMap<>();
    Long expiresAt = null;
    long expiresIn = DEFAULT_EXPIRES_IN_SECONDS;
    String base = null;
    String programId = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--expires-in") || arg.equals("--expires-at")) {
          if (i + 1 == args.length) {
            throw new IllegalArgumentException(arg + " needs a number of seconds");
          }
          long seconds = Long.parseLong(args[++i]);
          if (seconds <= 0) {
            throw new IllegalArgumentException(arg + " must be positive");
          }
          if (arg.equals("--expires-at")) {
            expiresAt = seconds;
          } else {
            expiresIn = seconds;
          }
        } else if (base == null) {
          base = trackerUrl(arg);
        } else if (programId == null) {
          if (!PROGRAM_ID.matcher(arg).matches()) {
            throw new IllegalArgumentException("programId must be 1-64 characters of [A-Za-z0-9_-]: " + arg);
          }
          programId = arg;
        } else {
          int equals = arg.indexOf('=');
          String name = equals < 0 ? arg : arg.substring(0, equals);
          if (equals <= 0 || name.equals(ClickSigning.EXPIRES) || name.equals(ClickSigning.SIGNATURE)
              || params.putIfAbsent(name, arg.substring(equals + 1)) != null) {
            throw new IllegalArgumentException("parameters are name=value, each name once, not exp or sig: " + arg);
          }
        }
      }
      if (programId == null) {
        throw new IllegalArgumentException("a tracker URL and a programId are needed");
      }
    } catch (NumberFormatException e) {
      err.println("not a number of seconds: " + e.getMessage());
      err.println(USAGE);
      return PublishPrograms.EXIT_INVALID;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return PublishPrograms.EXIT_INVALID;
    }
    long exp = expiresAt != null ? expiresAt : clock.instant().getEpochSecond() + expiresIn;
    out.println(base + "/click/" + programId + "?" + ClickSigning.signedQuery(key.get(), programId, exp, params));
    return PublishPrograms.EXIT_OK;
  }

  /** The tracker's base URL, without a trailing slash. */
  private static String trackerUrl(String arg) {
    URI uri;
    try {
      uri = URI.create(arg);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + arg);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("the tracker URL must be http(s)://host[:port][/path], got " + arg);
    }
    return arg.endsWith("/") ? arg.substring(0, arg.length() - 1) : arg;
  }
}
