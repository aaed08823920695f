package io.adtrack.updater.redis;

import io.adtrack.conventions.RedisUrl;
import io.adtrack.updater.UpdaterConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** Builds the pooled Jedis client the updater uses, from {@link UpdaterConfig}. */
public final class RedisClients {

  /** A Lambda instance handles one batch at a time; two connections leave room for a reconnect. */
  private static final int POOL_SIZE = 2;

  private RedisClients() {
  }

  /**
   * A pooled client; connections are opened on first use, so building it does not need Redis. With {@code tls}
   * the JVM's default trust store verifies the server (ElastiCache certificates are publicly trusted).
   */
  public static RedisClient create(UpdaterConfig config) {
    RedisUrl url = config.redis();
    int timeoutMillis = (int) config.timeout().toMillis();
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeoutMillis)
        .socketTimeoutMillis(timeoutMillis)
        .ssl(url.tls())
        .database(url.database())
        .clientName("redis-updater");
    if (url.password() != null) {
      client.password(url.password());
      if (url.user() != null) {
        client.user(url.user());
      }
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(POOL_SIZE);
    pool.setMaxIdle(POOL_SIZE);
    pool.setMinIdle(0);
    // Lambda freezes the sandbox between invocations; idle connections may be dead when it thaws. Jedis marks a
    // connection broken on error, and CoreDataUpdater retries once on a fresh one, so no PING per borrow is needed.
    pool.setTestOnBorrow(false);
    // No JMX MBean for the pool: registering it starts the platform MBean server, a few hundred ms of cold start.
    pool.setJmxEnabled(false);
    return RedisClient.builder()
        .hostAndPort(new HostAndPort(url.host(), url.port()))
        .clientConfig(client.build())
        .poolConfig(pool)
        .build();
  }
}
