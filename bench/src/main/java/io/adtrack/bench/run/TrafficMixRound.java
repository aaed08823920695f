package io.adtrack.bench.run;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phase {@code mix}: a mixed run of people, crawlers, HTTP libraries, calls without a user agent, prefetches and
 * repeated clicks against the real tracker, each kind in a known number; the tracker's own count of what it
 * classified ({@code tracker_invalid_traffic_total}) is set against what was sent, with the statuses each kind got
 * (the same as a person's: the answer does not depend on the classification).
 */
final class TrafficMixRound {

  private static final Pattern INVALID = Pattern.compile(
      "(?m)^tracker_invalid_traffic_total\\{action=\"(\\w+)\",reason=\"(\\w+)\",route=\"(\\w+)\"} (\\S+)$");
  private static final String[] ROUTES = {"pixel", "event", "click"};
  private static final List<String> BOTS = List.of(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
      "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1");
  private static final int IN_FLIGHT = 32;

  /** One kind of caller, the reason the tracker should find for its calls and how many it makes. */
  private record Kind(String name, String expectedReason, int calls) {
  }

  private final String metricsUrl;
  private final int trackerPort;
  private final List<String> programIds;
  private final Report report;

  /** @param metricsUrl the tracker's /metrics, on its management port */
  TrafficMixRound(String metricsUrl, int trackerPort, List<String> programIds, Report report) {
    this.metricsUrl = metricsUrl;
    this.trackerPort = trackerPort;
    this.programIds = programIds;
    this.report = report;
  }

  /** A call to make: its path, user agent (null for none) and whether it is a prefetch. */
  private record Call(String kind, String path, String userAgent, boolean prefetch) {
  }

  /** Runs the mix and reports it; returns the calls the tracker acknowledged (2xx, 302). */
  long run() {
    Random random = new Random(15);
    List<Kind> kinds = List.of(new Kind("person", "none", 1200), new Kind("crawler or HTTP library", "bot", 300),
        new Kind("no user agent", "bot", 100), new Kind("prefetch (browser)", "prefetch", 200),
        new Kind("the same person's click again", "duplicate_click", 200));
    List<Call> first = new ArrayList<>();
    List<Call> clicks = new ArrayList<>();
    for (int i = 0; i < kinds.get(0).calls(); i++) {
      // Every person a browser build of their own: the tracker tells clients apart by network and user agent,
      // and all of the run comes from one address.
      Call call = new Call("person", "/" + ROUTES[i % ROUTES.length] + "/" + program(random),
          browser(i), false);
      first.add(call);
      if (call.path().startsWith("/click/")) {
        clicks.add(call);
      }
    }
    for (int i = 0; i < kinds.get(1).calls(); i++) {
      first.add(new Call("crawler or HTTP library", path(i, random), BOTS.get(i % BOTS.size()), false));
    }
    for (int i = 0; i < kinds.get(2).calls(); i++) {
      first.add(new Call("no user agent", path(i, random), null, false));
    }
    for (int i = 0; i < kinds.get(3).calls(); i++) {
      first.add(new Call("prefetch (browser)", path(i, random), browser(100_000 + i), true));
    }
    Collections.shuffle(first, random);
    List<Call> repeats = new ArrayList<>();
    for (int i = 0; i < kinds.get(4).calls(); i++) {
      Call click = clicks.get(i % clicks.size());
      repeats.add(new Call("the same person's click again", click.path(), click.userAgent(), false));
    }

    Map<String, Double> before = invalidTraffic();
    Vertx vertx = Vertx.vertx();
    Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
          .setDefaultPort(trackerPort), new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
      // The repeats after every first call, all well within CLICK_DEDUP_SECONDS (10) of their first click.
      sendAll(client, first, statuses);
      sendAll(client, repeats, statuses);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    Map<String, Double> after = invalidTraffic();

    List<List<String>> rows = new ArrayList<>();
    Map<String, Double> counted = new TreeMap<>();
    after.forEach((series, value) -> counted.put(series, value - before.getOrDefault(series, 0.0)));
    for (Kind kind : kinds) {
      rows.add(List.of(kind.name(), Integer.toString(kind.calls()), kind.expectedReason(),
          String.valueOf(statuses.getOrDefault(kind.name(), Map.of()))));
    }
    List<List<String>> countedRows = new ArrayList<>();
    counted.forEach((series, value) -> {
      if (value > 0) {
        countedRows.add(List.of("`" + series + "`", Report.f0(value)));
      }
    });
    double bots = sum(counted, "bot");
    double prefetches = sum(counted, "prefetch");
    double duplicates = sum(counted, "duplicate_click");
    int expectedBots = kinds.get(1).calls() + kinds.get(2).calls();
    report.target("Classification of a mixed run", "every bot, prefetch and repeated click counted as such",
        String.format("bot %.0f/%d, prefetch %.0f/%d, duplicate click %.0f/%d", bots, expectedBots, prefetches,
            kinds.get(3).calls(), duplicates, kinds.get(4).calls()),
        bots == expectedBots && prefetches == kinds.get(3).calls() && duplicates == kinds.get(4).calls());
    report.section("Classification of a mixed run")
        .paragraph("2,000 calls over `/pixel`, `/event` and `/click` of the seeded programs, 32 at a time, in a "
            + "shuffled order (seed 15): people (each a browser build of their own), crawlers and HTTP libraries by "
            + "their user agents (Googlebot, bingbot, HeadlessChrome, curl, python-requests, Go), calls without a "
            + "user agent, browser prefetches (`Sec-Purpose: prefetch`), then 200 clicks repeating a person's "
            + "earlier click on the same program within CLICK_DEDUP_SECONDS. INVALID_TRAFFIC=flag (the default). "
            + "Statuses per kind: what the tracker answered (a person's answers: 200 for `/pixel` and `/event`, "
            + "302 for `/click`).")
        .table(List.of("caller", "calls", "expected reason", "statuses"), rows)
        .paragraph("What the tracker counted over the run (`/metrics`, the counters' increase):")
        .table(List.of("series", "calls"), countedRows);
    return statuses.values().stream().flatMap(byStatus -> byStatus.entrySet().stream())
        .filter(status -> status.getKey() >= 200 && status.getKey() < 400).mapToLong(Map.Entry::getValue).sum();
  }

  private String path(int i, Random random) {
    return "/" + ROUTES[i % ROUTES.length] + "/" + program(random);
  }

  private String program(Random random) {
    return programIds.get(random.nextInt(programIds.size()));
  }

  private static String browser(int build) {
    return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0."
        + build + ".0 Safari/537.36";
  }

  private static void sendAll(HttpClientAgent client, List<Call> calls, Map<String, Map<Integer, Integer>> statuses) {
    int next = 0;
    while (next < calls.size()) {
      List<Call> wave = calls.subList(next, Math.min(calls.size(), next + IN_FLIGHT));
      List<Future<Integer>> answers = wave.stream().map(call -> send(client, call)).toList();
      Future.join(answers).toCompletionStage().toCompletableFuture().join();
      for (int i = 0; i < wave.size(); i++) {
        statuses.computeIfAbsent(wave.get(i).kind(), kind -> new TreeMap<>())
            .merge(answers.get(i).result(), 1, Integer::sum);
      }
      next += wave.size();
    }
  }

  private static Future<Integer> send(HttpClientAgent client, Call call) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(call.path());
    if (call.userAgent() != null) {
      options.putHeader("User-Agent", call.userAgent());
    }
    if (call.prefetch()) {
      options.putHeader("Sec-Purpose", "prefetch");
    }
    return client.request(options).compose(request -> request.send())
        .compose(TrafficMixRound::consume);
  }

  private static Future<Integer> consume(HttpClientResponse response) {
    return response.body().map(body -> response.statusCode());
  }

  /** The tracker's {@code tracker_invalid_traffic_total} series, by their labels. */
  private Map<String, Double> invalidTraffic() {
    Map<String, Double> series = new LinkedHashMap<>();
    Matcher line = INVALID.matcher(Http.get(metricsUrl).body());
    while (line.find()) {
      series.put("route=" + line.group(3) + ",reason=" + line.group(2) + ",action=" + line.group(1),
          Double.parseDouble(line.group(4)));
    }
    return series;
  }

  private static double sum(Map<String, Double> counted, String reason) {
    return counted.entrySet().stream().filter(entry -> entry.getKey().contains(",reason=" + reason + ","))
        .mapToDouble(Map.Entry::getValue).sum();
  }
}
