package io.adtrack.bench.run;

import io.adtrack.conventions.RedisLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Writes ad programs into Redis as the redis-updater stores them (hash {@code program:{id}}, field names = the
 * JSON keys, all values strings), so the tracker finds them on its first cache miss.
 */
final class ProgramSeeder {

  private ProgramSeeder() {
  }

  /** Seeds {@code count} valid programs named {@code prefix-0000...}, each with a landing URL; returns the ids. */
  static List<String> seed(String host, int port, String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    try (Jedis jedis = new Jedis(host, port)) {
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < count; i++) {
        String id = String.format("%s-%04d", prefix, i);
        ids.add(id);
        pipeline.hset(RedisLayout.programKey(id), Map.of(
            "programId", id,
            "programName", "Bench program " + i,
            "customerId", Integer.toString(9000 + i % 50),
            "customerName", "Bench customer " + i % 50,
            "checksum", Integer.toString(100 + i),
            "validFrom", "2020-01-01T00:00:00Z",
            "validUntil", "2099-01-01T00:00:00Z",
            "landingUrl", "https://advertiser.example/offer/" + i,
            "version", "1"));
      }
      pipeline.sync();
    }
    return List.copyOf(ids);
  }
}
