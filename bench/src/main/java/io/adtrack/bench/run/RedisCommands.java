package io.adtrack.bench.run;

import redis.clients.jedis.Jedis;

/**
 * What Redis counted so far (INFO commandstats and stats): how many HGETALLs (the tracker's L1 misses) and how many
 * commands of any kind. The INFO calls themselves are counted too; two per round are noise.
 */
record RedisCommands(long hgetall, long total) {

  static RedisCommands read(int port) {
    try (Jedis jedis = new Jedis("localhost", port)) {
      return new RedisCommands(calls(jedis.info("commandstats"), "cmdstat_hgetall:"),
          field(jedis.info("stats"), "total_commands_processed:"));
    }
  }

  /** {@code cmdstat_hgetall:calls=123,usec=...}: the calls, 0 when the command never ran. */
  private static long calls(String info, String prefix) {
    return info.lines().filter(line -> line.startsWith(prefix)).findFirst().map(line -> {
      int from = line.indexOf("calls=") + "calls=".length();
      return Long.parseLong(line.substring(from, line.indexOf(',', from)));
    }).orElse(0L);
  }

  private static long field(String info, String prefix) {
    return info.lines().filter(line -> line.startsWith(prefix)).findFirst()
        .map(line -> Long.parseLong(line.substring(prefix.length()).strip())).orElse(0L);
  }
}
