package io.adtrack.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} one local invocation gets: a fresh request id, the function's name and a remaining time
 * counted down from the configured function timeout, as Lambda's runtime would report it.
 */
final class LocalLambdaContext implements Context {

  private static final int MEMORY_LIMIT_MB = 512;

  private final String functionName;
  private final String requestId = UUID.randomUUID().toString();
  private final long deadlineNanos;
  private final LambdaLogger logger;

  LocalLambdaContext(String functionName, Duration timeout) {
    this.functionName = functionName;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("lambda." + functionName));
  }

  /** Whether the invocation ran past its timeout (Lambda would have ended it). */
  boolean timedOut() {
    return System.nanoTime() > deadlineNanos;
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
    return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return MEMORY_LIMIT_MB;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  /** Lambda's logger writes lines to CloudWatch; locally they go to the launcher's log. */
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
