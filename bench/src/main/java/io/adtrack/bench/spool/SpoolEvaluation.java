package io.adtrack.bench.spool;

import io.adtrack.bench.Args;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the spool's storage by measurement (issue 12): the tracker's own segment log, Chronicle Queue and Tape's
 * QueueFile, each in a JVM of its own with the tracker container's heap settings, interleaved round by round so
 * that a noisy neighbour hits all three alike. Writes {@code bench/results/<date>-spool-eval.md}.
 * Run with {@code bench/spool-eval} ({@code --help} for the options).
 */
public final class SpoolEvaluation {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolEvaluation.class);
  /** The tracker container's heap (see the Dockerfile): a store that keeps a backlog on the heap fails here. */
  private static final List<String> CONTAINER_HEAP = List.of("-XX:+UseSerialGC", "-Xms112m", "-Xmx180m", "-Xmn48m",
      "-XX:+ExitOnOutOfMemoryError");

  private final Path root;
  private final Path work;
  private final Args args;
  private final EvalSettings settings;
  private final List<Double> loadSamples = new ArrayList<>();
  private int runs;

  private SpoolEvaluation(Args args) {
    this.args = args;
    this.settings = EvalSettings.parse(args);
    this.root = Path.of(args.string("root", ".")).toAbsolutePath().normalize();
    this.work = root.resolve("bench/target/spool-eval");
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    if (args.flag("help")) {
      System.out.println(EvalSettings.USAGE);
      return;
    }
    new SpoolEvaluation(args).run();
  }

  private void run() throws Exception {
    deleteRecursively(work);
    Files.createDirectories(work.resolve("logs"));
    long started = System.nanoTime();
    Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
    List<String> stores = Candidate.NAMES;
    for (int round = 0; round < settings.rounds(); round++) {
      List<String> order = rotated(stores, round);
      LOG.info("round {} of {}, order {}", round + 1, settings.rounds(), order);
      for (int fsync : new int[] {0, settings.fsyncMillis()}) {
        for (String store : settings.runs("throughput") ? order : List.<String>of()) {
          record(results, "throughput " + store + " " + fsync, child(store, "throughput", Integer.toString(fsync),
              Double.toString(settings.warmup()), Double.toString(settings.seconds()),
              Integer.toString(settings.threads())));
        }
        for (String store : settings.runs("paced") ? order : List.<String>of()) {
          record(results, "paced " + store + " " + fsync, child(store, "paced", Integer.toString(fsync),
              Double.toString(settings.warmup()), Double.toString(settings.seconds()),
              Integer.toString(settings.threads()), Integer.toString(settings.rate())));
        }
      }
      for (String store : settings.runs("kill") ? order : List.<String>of()) {
        record(results, "kill " + store, kill(store));
      }
    }
    for (String store : settings.runs("damage") ? stores : List.<String>of()) {
      for (String where : List.of("length", "payload")) {
        record(results, "damage " + store + " " + where, child(store, "damage", where));
      }
    }
    for (String store : settings.runs("backlog") ? stores : List.<String>of()) {
      record(results, "backlog " + store, child(store, "backlog", Integer.toString(settings.backlogMib()),
          Double.toString(settings.backlogMaxSeconds()), Integer.toString(settings.threads())));
    }
    Path output = Path.of(args.string("output",
        root.resolve("bench/results/" + LocalDate.now() + "-spool-eval.md").toString()));
    Files.writeString(output, new SpoolReport(settings, CONTAINER_HEAP, loadSamples, results, footprint(),
        Duration.ofNanos(System.nanoTime() - started)).markdown());
    LOG.info("wrote {}", output);
    deleteRecursively(work.resolve("data"));
  }

  private void record(Map<String, List<Map<String, String>>> results, String key, Map<String, String> result) {
    LOG.info("{}: {}", key, result);
    results.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
  }

  /** Runs one {@link SpoolEvalChild} to its end and returns its result line. */
  private Map<String, String> child(String store, String scenario, String... arguments) throws Exception {
    Process process = start(store, scenario, arguments);
    Map<String, String> result = Map.of();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("result")) {
          result = parse(line);
        }
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    if (result.isEmpty()) {
      // Exit code 3 is -XX:+ExitOnOutOfMemoryError, as in the container: the store ran the heap out.
      result = Map.of("failed", process.exitValue() == 3 ? "the JVM exited on an OutOfMemoryError"
          : "exit " + process.exitValue() + ", see " + log(store, scenario));
    }
    return result;
  }

  /**
   * A flood child killed with SIGKILL once {@code killAfter} appends were answered (or after 10 s, for a slow
   * store), then a verify child on what it left.
   */
  private Map<String, String> kill(String store) throws Exception {
    Process flood = start(store, "flood", "0", Integer.toString(settings.threads()));
    Set<String> answered = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(flood.getInputStream(), StandardCharsets.US_ASCII))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("ok ") && line.length() == 39) {
          answered.add(line.substring(3));
        }
        if (flood.isAlive() && (answered.size() >= settings.killAfter() || System.nanoTime() > deadline)) {
          // SIGKILL through the handle: Process.destroyForcibly would also close the pipe we still read.
          flood.toHandle().destroyForcibly();
        }
      }
    }
    flood.waitFor();
    Path answeredFile = work.resolve("answered-" + store + ".txt");
    Files.write(answeredFile, answered);
    return child(store, "verify", dir(store, "flood").toString(), answeredFile.toString());
  }

  private Process start(String store, String scenario, String... arguments) throws IOException {
    runs++;
    loadSamples.add(loadAverage());
    Path dir = scenario.equals("verify") ? Path.of(arguments[0]) : dir(store, scenario);
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(CONTAINER_HEAP);
    // The tracker jar brings a logback.xml too; logback would print its status about that on stdout.
    command.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
    if (store.equals("chronicle")) {
      command.addAll(ChronicleCandidate.JAVA_17_FLAGS);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SpoolEvalChild.class.getName(), store,
        scenario, dir.toString()));
    command.addAll(Arrays.asList(arguments).subList(scenario.equals("verify") ? 1 : 0, arguments.length));
    return new ProcessBuilder(command).redirectError(log(store, scenario).toFile()).start();
  }

  private Path dir(String store, String scenario) {
    return work.resolve("data").resolve(store + "-" + (scenario.equals("verify") ? "flood" : scenario) + "-" + runs);
  }

  private Path log(String store, String scenario) {
    return work.resolve("logs").resolve(store + "-" + scenario + "-" + runs + ".log");
  }

  private static Map<String, String> parse(String line) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String pair : line.substring("result".length()).trim().split(" ")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        result.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return result;
  }

  private static List<String> rotated(List<String> stores, int by) {
    List<String> order = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      order.add(stores.get((i + by) % stores.size()));
    }
    return order;
  }

  /**
   * What each store adds to a fat jar: the jars it brings (Chronicle: its own plus JNA/JNR/ASM), or for the segment
   * log the spool package's classes in the tracker jar.
   */
  private Map<String, Long> footprint() throws IOException {
    long chronicle = 0;
    long tape = 0;
    long segmentLog = 0;
    for (String entry : System.getProperty("java.class.path").split(":")) {
      if (entry.contains("/net/openhft/") || entry.contains("/net/java/dev/jna/") || entry.contains("/com/github/jnr/")
          || entry.contains("/org/ow2/asm/") || entry.contains("/commons-cli/")) {
        chronicle += Files.size(Path.of(entry));
      } else if (entry.contains("/com/squareup/tape2/")) {
        tape += Files.size(Path.of(entry));
      } else if (entry.contains("tracker-service")) {
        segmentLog += spoolClassBytes(Path.of(entry));
      }
    }
    return Map.of("chronicle", chronicle, "tape", tape, "segment-log", segmentLog);
  }

  private static long spoolClassBytes(Path entry) throws IOException {
    String prefix = "io/adtrack/tracker/spool/";
    if (Files.isDirectory(entry)) {
      try (Stream<Path> files = Files.walk(entry.resolve(prefix))) {
        return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.stream().filter(e -> e.getName().startsWith(prefix) && !e.isDirectory())
          .mapToLong(e -> e.getCompressedSize()).sum();
    }
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
