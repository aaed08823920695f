package io.adtrack.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Kinesis client's call-timeout timers must not keep ended calls reachable. */
class KinesisTimersTest {

  @Test
  void shouldForgetACancelledTimeout_atOnceRatherThanWhenItWouldHaveFired() {
    ScheduledThreadPoolExecutor timers = TrackerApplication.kinesisTimers();
    try {
      byte[] callPayload = new byte[1024];
      ScheduledFuture<?> timeout = timers.schedule(() -> callPayload.clone(), 30, TimeUnit.SECONDS);
      assertThat(timers.getQueue()).hasSize(1);

      timeout.cancel(false);

      assertThat(timers.getQueue()).isEmpty();
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void shouldNotKeepTheJvmAlive() throws Exception {
    ScheduledThreadPoolExecutor timers = TrackerApplication.kinesisTimers();
    try {
      Thread[] thread = new Thread[1];
      timers.submit(() -> thread[0] = Thread.currentThread()).get();

      assertThat(thread[0].isDaemon()).isTrue();
      assertThat(thread[0].getName()).isEqualTo("kinesis-call-timeouts");
    } finally {
      timers.shutdownNow();
    }
  }
}
