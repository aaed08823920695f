package io.adtrack.updater.redis;

import io.adtrack.conventions.RedisLayout;
import io.adtrack.updater.coredata.ProgramDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Redis side of core data: applies a change to {@code program:{id}} / {@code program-tombstone:{id}} and publishes it
 * on {@code core-data-updates} ({@link RedisLayout}), all in one Lua script so no subscriber sees a change that is not
 * stored and no stored change goes unannounced. Redis errors surface as Jedis runtime exceptions.
 */
public final class ProgramStore {

  private static final String SCRIPT_RESOURCE = "apply-program.lua";

  /** What the script did with a change. */
  public enum Outcome { APPLIED, STALE }

  private final UnifiedJedis redis;
  private final String script;
  private final String sha;

  public ProgramStore(UnifiedJedis redis) {
    this.redis = redis;
    this.script = loadScript();
    // The SHA is computed here rather than with SCRIPT LOAD, so building the store needs no Redis round trip
    // (a cold Lambda starts even while Redis is briefly away); the first EVALSHA falls back to EVAL.
    this.sha = sha1Hex(script);
  }

  /** Applies the change if its version is greater than the stored one (hash version or tombstone). */
  public Outcome apply(ProgramDocument document) {
    List<String> keys = List.of(RedisLayout.programKey(document.programId()),
        RedisLayout.tombstoneKey(document.programId()));
    List<String> args = new ArrayList<>(4 + 2 * document.fields().size());
    args.add(document.deleted() ? "delete" : "upsert");
    args.add(Long.toString(document.version()));
    args.add(RedisLayout.CHANNEL);
    args.add(document.json());
    document.fields().forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    Object result;
    try {
      result = redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      // First use on this server, or after SCRIPT FLUSH / a failover: EVAL runs it and caches it for EVALSHA.
      result = redis.eval(script, keys, args);
    }
    return Long.valueOf(1L).equals(result) ? Outcome.APPLIED : Outcome.STALE;
  }

  private static String loadScript() {
    try (InputStream in = ProgramStore.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT_RESOURCE + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
