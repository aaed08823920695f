package io.adtrack.testkit.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} of one invocation outside Lambda (tests, the local pipeline): a fresh request id, the
 * function's name and ARN in the local account, and a remaining time counted down from the function timeout from
 * the moment the context is created, as Lambda's runtime reports it. The logger writes to SLF4J logger
 * {@code lambda.<functionName>}, where Lambda would write to CloudWatch.
 */
public final class LocalLambdaContext implements Context {

  /** The memory size the functions are deployed with; only reported, nothing enforces it locally. */
  public static final int MEMORY_LIMIT_MB = 512;

  private final String functionName;
  private final String requestId = UUID.randomUUID().toString();
  private final LongSupplier clock;
  private final long deadlineNanos;
  private final LambdaLogger logger;

  /** An invocation of {@code functionName} that starts now and may run for {@code timeout}. */
  public LocalLambdaContext(String functionName, Duration timeout) {
    this(functionName, timeout, System::nanoTime);
  }

  /** The same, its time read from {@code clock} ({@code System.nanoTime()} scale): the caller's, or a test's. */
  public LocalLambdaContext(String functionName, Duration timeout, LongSupplier clock) {
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    this.clock = clock;
    this.deadlineNanos = clock.getAsLong() + timeout.toNanos();
    this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("lambda." + functionName));
  }

  /** Whether the invocation ran past its timeout (Lambda would have ended it). */
  public boolean timedOut() {
    return clock.getAsLong() - deadlineNanos > 0;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:" + KinesisEvents.LOCAL_REGION + ":" + KinesisEvents.LOCAL_ACCOUNT + ":function:"
        + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  /** Milliseconds left before the timeout; 0 once it has passed, never negative. */
  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, Duration.ofNanos(deadlineNanos - clock.getAsLong()).toMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return MEMORY_LIMIT_MB;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  /** Lambda's logger writes lines to CloudWatch; locally they go to the caller's log. */
  private record Slf4jLambdaLogger(Logger log) implements LambdaLogger {

    @Override
    public void log(String message) {
      log.info("{}", message);
    }

    @Override
    public void log(byte[] message) {
      log(new String(message, StandardCharsets.UTF_8));
    }
  }
}
