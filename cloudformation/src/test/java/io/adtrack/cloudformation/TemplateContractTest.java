package io.adtrack.cloudformation;

import static io.adtrack.cloudformation.Template.list;
import static io.adtrack.cloudformation.Template.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.consumer.ConsumerConfig;
import io.adtrack.conventions.Environment;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.updater.UpdaterConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the stack template and checks it against docs/contracts.md ("Streams and partition keys", "The DynamoDB
 * item") and the other modules: names, the event source mappings' failure handling, roles, and the configuration
 * each program reads. The security promises are SecurityContractTest's.
 */
class TemplateContractTest {

  /** The tracker's CPU per call that docs/capacity.md sizes the tasks with (measured 17-23 µs, plus a margin). */
  private static final double PLANNED_CPU_MICROS_PER_CALL = 30;

  private static final String CONSUMER_HANDLER = "io.adtrack.consumer.KinesisConsumerHandler::handleRequest";
  private static final String UPDATER_HANDLER = "io.adtrack.updater.RedisUpdaterHandler::handleRequest";

  private static Template template;

  @BeforeAll
  static void loadTemplate() throws IOException {
    template = Template.load(Repository.TEMPLATE);
  }

  @Test
  void streamsHaveTheNamesOfTheDesign() {
    assertThat(template.propertiesOfType("AWS::Kinesis::Stream").values())
        .extracting(stream -> stream.get("Name"))
        .containsExactlyInAnyOrder("tracking-events", "core-data-updates");
  }

  @Test
  void eventTableHasTheKeyIndexAndTtlOfTheDesign() {
    Map<String, Object> table = template.single("AWS::DynamoDB::Table");

    assertThat(table).containsEntry("TableName", "tracking-events")
        .containsEntry("KeySchema", List.of(Map.of("AttributeName", "messageId", "KeyType", "HASH")));
    // On demand unless ops choose provisioned capacity (docs/capacity.md).
    assertThat(template.referencedParameter(table.get("BillingMode"))).isEqualTo("EventTableBillingMode");
    assertThat(map(template.parameters().get("EventTableBillingMode"))).containsEntry("Default", "PAY_PER_REQUEST");
    assertThat(attributeTypes(table)).containsEntry("messageId", "S").containsEntry("programId", "S")
        .containsEntry("receivedAt", "N");
    assertThat(map(table.get("TimeToLiveSpecification")))
        .containsEntry("AttributeName", "expiresAt").containsEntry("Enabled", true);

    List<Object> indexes = list(table.get("GlobalSecondaryIndexes"));
    assertThat(indexes).hasSize(1);
    Map<String, Object> byProgram = map(indexes.get(0));
    assertThat(byProgram).containsEntry("IndexName", "byProgram")
        .containsEntry("KeySchema", List.of(
            Map.of("AttributeName", "programId", "KeyType", "HASH"),
            Map.of("AttributeName", "receivedAt", "KeyType", "RANGE")))
        .containsEntry("Projection", Map.of("ProjectionType", "ALL"));
  }

  @Test
  void everyEventSourceMappingReportsBatchItemFailuresAndSendsWhatItGivesUpOnToAQueue() {
    Map<String, Map<String, Object>> mappings = template.propertiesOfType("AWS::Lambda::EventSourceMapping");
    assertThat(mappings).hasSize(2);

    mappings.forEach((id, mapping) -> {
      assertThat(mapping.get("FunctionResponseTypes")).as(id).isEqualTo(List.of("ReportBatchItemFailures"));
      assertThat(mapping.get("BisectBatchOnFunctionError")).as(id).isEqualTo(true);
      assertThat(mapping.get("StartingPosition")).as(id).isIn("TRIM_HORIZON", "LATEST");
      // -1 means "forever"; both must be bounded so a poison batch cannot block its shard indefinitely.
      assertThat((Integer) mapping.get("MaximumRetryAttempts")).as(id).isBetween(0, 10_000);
      assertThat((Integer) mapping.get("MaximumRecordAgeInSeconds")).as(id).isBetween(60, 604_800);
      Object destination = map(map(mapping.get("DestinationConfig")).get("OnFailure")).get("Destination");
      assertThat(template.referencedResources(destination)).as(id + " failure destination")
          .singleElement().satisfies(queue -> assertThat(template.resources().get(queue).toString())
              .contains("AWS::SQS::Queue"));
    });
    assertThat(mappings.values()).extracting(mapping -> template.referencedResources(mapping.get("EventSourceArn")))
        .containsExactlyInAnyOrder(Set.of("TrackingEventsStream"), Set.of("CoreDataUpdatesStream"));
  }

  @Test
  void eachFunctionAndTheTaskHaveARoleOfTheirOwnWithCloudFormationChosenNames() {
    List<Object> roles = new ArrayList<>();
    template.propertiesOfType("AWS::Lambda::Function").values().forEach(function -> roles.add(function.get("Role")));
    Map<String, Object> task = template.single("AWS::ECS::TaskDefinition");
    roles.add(task.get("TaskRoleArn"));
    roles.add(task.get("ExecutionRoleArn"));

    assertThat(roles).extracting(template::referencedResources).doesNotHaveDuplicates()
        .allSatisfy(role -> assertThat(role).hasSize(1));
    // Role names are account-global: a fixed name would collide with the same stack in another region.
    assertThat(template.propertiesOfType("AWS::IAM::Role").values()).allSatisfy(role ->
        assertThat(role).doesNotContainKey("RoleName"));
    assertThat(template.single("AWS::CloudWatch::Dashboard").get("DashboardName").toString())
        .contains("AWS::Region");
  }

  @Test
  void theWebAcl_runsAwsIpReputationAndKnownBadInputs_thenLimitsEachClientIpAtTheParametersRate() {
    Map<String, Object> acl = template.single("AWS::WAFv2::WebACL");
    assertThat(acl).containsEntry("Scope", "REGIONAL").containsEntry("DefaultAction", Map.of("Allow", Map.of()));
    List<Map<String, Object>> rules = list(acl.get("Rules")).stream().map(Template::map).toList();

    assertThat(rules).extracting(rule -> rule.get("Priority")).doesNotHaveDuplicates();
    assertThat(rules).allSatisfy(rule -> assertThat(map(rule.get("VisibilityConfig")))
        .containsEntry("CloudWatchMetricsEnabled", true).containsEntry("MetricName", rule.get("Name")));
    assertThat(rules).map(rule -> map(map(rule.get("Statement")).get("ManagedRuleGroupStatement")))
        .filteredOn(group -> group != null)
        .extracting(group -> group.get("VendorName") + "/" + group.get("Name"))
        .containsExactlyInAnyOrder("AWS/AWSManagedRulesAmazonIpReputationList",
            "AWS/AWSManagedRulesKnownBadInputsRuleSet");
    Map<String, Object> rateRule = rules.stream()
        .filter(rule -> map(rule.get("Statement")).containsKey("RateBasedStatement")).findFirst().orElseThrow();
    Map<String, Object> rate = map(map(rateRule.get("Statement")).get("RateBasedStatement"));
    assertThat(rate).containsEntry("AggregateKeyType", "IP");
    assertThat(template.referencedParameter(rate.get("Limit"))).isEqualTo("WafRateLimitPerIp");
    assertThat(map(template.parameters().get("WafRateLimitPerIp"))).containsEntry("MinValue", 10)
        .containsEntry("Type", "Number");
    // Blocked with the tracker's own error shape and a Retry-After, not WAF's bare 403.
    assertThat(rateRule.get("Action").toString()).contains("ResponseCode=429", "Retry-After", "TooManyRequests");
    assertThat(map(map(acl.get("CustomResponseBodies")).get("TooManyRequests")).get("Content").toString())
        .isEqualTo("{\"error\":\"too many requests from this address, retry later\",\"status\":429}");
    Map<String, Object> association = template.single("AWS::WAFv2::WebACLAssociation");
    assertThat(template.referencedResources(association.get("ResourceArn"))).containsExactly("LoadBalancer");
    assertThat(template.referencedResources(association.get("WebACLArn"))).containsExactly("WebAcl");
  }

  @Test
  void wafLogsOnlyWhatItBlocksOrCounts_withoutTheQuery_toALogGroupWafAccepts() {
    Map<String, Object> logging = template.single("AWS::WAFv2::LoggingConfiguration");

    assertThat(template.referencedResources(logging.get("ResourceArn"))).containsExactly("WebAcl");
    assertThat(template.referencedResources(logging.get("LogDestinationConfigs"))).containsExactly("WafLogGroup");
    assertThat(template.properties("WafLogGroup").get("LogGroupName").toString()).contains("aws-waf-logs-");
    assertThat(logging.get("LogDestinationConfigs").toString()).as("an ARN without GetAtt's trailing :*")
        .contains(":log-group:${WafLogGroup}").doesNotContain("GetAtt");
    assertThat(list(logging.get("RedactedFields"))).contains(Map.of("QueryString", Map.of()));
    assertThat(map(logging.get("LoggingFilter"))).containsEntry("DefaultBehavior", "DROP");
  }

  @Test
  void theDashboardShowsWhatWafAllowsBlocksAndCounts() {
    String body = template.single("AWS::CloudWatch::Dashboard").get("DashboardBody").toString();
    String aclName = template.single("AWS::WAFv2::WebACL").get("Name").toString();

    assertThat(aclName).contains("${AWS::StackName}-tracker");
    assertThat(body).contains("\"AWS/WAFV2\", \"AllowedRequests\", \"WebACL\", \"${AWS::StackName}-tracker\"")
        .contains("\"BlockedRequests\"", "\"CountedRequests\"", "\"rate-per-ip\"", "\"ip-reputation\"",
            "\"known-bad-inputs\"");
  }

  @Test
  void taskDefinitionNamesEveryVariableTheTrackerReads() {
    Map<String, Object> container = trackerContainer();
    Set<String> environment = names(container.get("Environment"));
    Set<String> secrets = names(container.get("Secrets"));

    assertThat(union(environment, secrets)).containsAll(TrackerConfig.ENVIRONMENT_VARIABLES);
    // AWS_ENDPOINT_URL(_KINESIS) point the SDK at an emulator (local pipeline, tests); in AWS they must stay unset.
    assertThat(union(environment, secrets)).noneMatch(TemplateContractTest::isEndpointOverride);
    // The URL carries the AUTH token: it comes from Secrets Manager at task start, never from the task definition.
    assertThat(secrets).containsExactly("REDIS_URL");
    assertThat(environment).doesNotContain("REDIS_URL");
  }

  @Test
  void trackerAcceptsEveryLiteralSettingOfTheTaskDefinition() {
    Map<String, String> environment = literalEnvironment(trackerContainer().get("Environment"));
    environment.put("REDIS_URL", sampleRedisUrl());

    assertThat(environment).hasSizeGreaterThan(10);
    assertThatCode(() -> TrackerConfig.fromEnvironment(Environment.of(environment))).doesNotThrowAnyException();
  }

  @Test
  void lambdaEnvironmentsNameEveryVariableTheirHandlersRead() {
    // AWS_REGION is set by the Lambda runtime itself, and read by the AWS SDK.
    assertThat(functionEnvironment(CONSUMER_HANDLER).keySet()).containsAll(ConsumerConfig.ENVIRONMENT_VARIABLES)
        .noneMatch(TemplateContractTest::isEndpointOverride);
    assertThat(functionEnvironment(UPDATER_HANDLER).keySet()).containsAll(UpdaterConfig.ENVIRONMENT_VARIABLES)
        .noneMatch(TemplateContractTest::isEndpointOverride);
  }

  @Test
  void handlersNamedByTheTemplateExistInTheLambdaModules() {
    assertThat(template.propertiesOfType("AWS::Lambda::Function").values())
        .extracting(function -> String.valueOf(function.get("Handler")))
        .containsExactlyInAnyOrder(CONSUMER_HANDLER, UPDATER_HANDLER)
        .allSatisfy(handler -> assertThat(getClass().getClassLoader()
            .getResource(handler.substring(0, handler.indexOf("::")).replace('.', '/') + ".class"))
            .as(handler).isNotNull());
  }

  @Test
  void lambdasRunJava21OnArm64AndTheConsumerIsInvokedThroughASnapStartVersion() {
    assertThat(template.propertiesOfType("AWS::Lambda::Function").values()).allSatisfy(function -> {
      assertThat(function).containsEntry("Runtime", "java21").containsEntry("Architectures", List.of("arm64"));
    });
    Map<String, Object> consumer = function(CONSUMER_HANDLER);
    assertThat(consumer).containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
    // SnapStart applies to published versions only: the mapping must invoke the alias, not $LATEST.
    Map<String, Object> mapping = template.propertiesOfType("AWS::Lambda::EventSourceMapping").values().stream()
        .filter(each -> template.referencedResources(each.get("EventSourceArn")).contains("TrackingEventsStream"))
        .findFirst().orElseThrow();
    Set<String> target = template.referencedResources(mapping.get("FunctionName"));
    assertThat(target).singleElement().satisfies(alias ->
        assertThat(template.resources().get(alias).toString()).contains("AWS::Lambda::Alias"));
    // The updater talks to ElastiCache, which lives in the private subnets.
    assertThat(map(function(UPDATER_HANDLER).get("VpcConfig"))).containsKeys("SubnetIds", "SecurityGroupIds");
  }

  @Test
  void redisUrlIsBuiltFromTheSecretsManagerTokenAndParsesForBothPrograms() {
    Object updaterUrl = functionEnvironment(UPDATER_HANDLER).get("REDIS_URL");
    Object secretUrl = template.properties("RedisUrlSecret").get("SecretString");
    Object authToken = template.single("AWS::ElastiCache::ReplicationGroup").get("AuthToken");

    assertThat(List.of(updaterUrl, secretUrl, authToken)).allSatisfy(value ->
        assertThat(value.toString()).contains("{{resolve:secretsmanager:${RedisAuthTokenSecret}:SecretString:token:"));
    assertThat(Template.subText(updaterUrl)).isEqualTo(Template.subText(secretUrl)).startsWith("rediss://:");

    String url = sampleRedisUrl();
    UpdaterConfig updater = UpdaterConfig.fromEnvironment(Environment.of(Map.of("REDIS_URL", url)));
    assertThat(updater.redis().tls()).isTrue();
    assertThat(updater.redis().password()).isEqualTo("a".repeat(64));
    assertThatCode(() -> TrackerConfig.fromEnvironment(Environment.of(Map.of("REDIS_URL", url))))
        .doesNotThrowAnyException();
  }

  @Test
  void redisIsMultiAzAndReachableOnlyFromTheTrackerAndTheUpdater() {
    Map<String, Object> redis = template.single("AWS::ElastiCache::ReplicationGroup");
    assertThat(redis).containsEntry("MultiAZEnabled", true).containsEntry("AutomaticFailoverEnabled", true);
    assertThat(template.referencedResources(redis.get("SecurityGroupIds"))).containsExactly("RedisSecurityGroup");

    assertThat(template.properties("RedisSecurityGroup")).doesNotContainKey("SecurityGroupIngress");
    List<Map<String, Object>> ingress = template.propertiesOfType("AWS::EC2::SecurityGroupIngress").values().stream()
        .filter(rule -> template.referencedResources(rule.get("GroupId")).contains("RedisSecurityGroup"))
        .toList();
    assertThat(ingress).extracting(rule -> template.referencedResources(rule.get("SourceSecurityGroupId")))
        .containsExactlyInAnyOrder(Set.of("TrackerTaskSecurityGroup"), Set.of("RedisUpdaterSecurityGroup"));
    assertThat(ingress).allSatisfy(rule -> assertThat(rule).doesNotContainKeys("CidrIp", "CidrIpv6"));
  }

  @Test
  void tasksGetTimeToFlushOnSigtermAndTheServiceRollsBackFailedDeployments() {
    Map<String, Object> container = trackerContainer();
    int flushDeadline = Integer.parseInt(literalEnvironment(container.get("Environment")).get(
        "SHUTDOWN_TIMEOUT_SECONDS"));
    // Fargate allows at most 120 s between SIGTERM and SIGKILL; keep a margin over the tracker's own deadline.
    assertThat((Integer) container.get("StopTimeout")).isGreaterThanOrEqualTo(flushDeadline + 10)
        .isLessThanOrEqualTo(120);

    Map<String, Object> deployment = map(template.single("AWS::ECS::Service").get("DeploymentConfiguration"));
    assertThat(map(deployment.get("DeploymentCircuitBreaker")))
        .containsEntry("Enable", true).containsEntry("Rollback", true);
    assertThat(template.single("AWS::ECS::Service")).doesNotContainKey("DesiredCount");
    assertThat(template.single("AWS::ElasticLoadBalancingV2::TargetGroup"))
        .containsEntry("HealthCheckPath", "/health/ready");
  }

  @Test
  void theManagementPortTakesTheHealthChecksOnly_andNoListenerForwardsToIt() {
    Map<String, Object> container = trackerContainer();
    Map<String, String> environment = literalEnvironment(container.get("Environment"));
    int trafficPort = Integer.parseInt(environment.get("HTTP_PORT"));
    int managementPort = Integer.parseInt(environment.get("MANAGEMENT_PORT"));
    assertThat(managementPort).isNotEqualTo(trafficPort);

    // The container maps both; its own health check probes the management port (the image's, DockerfileTest says).
    assertThat(list(container.get("PortMappings"))).extracting(mapping -> map(mapping).get("ContainerPort"))
        .containsExactlyInAnyOrder(trafficPort, managementPort);
    assertThat(String.join(" ", list(map(container.get("HealthCheck")).get("Command")).stream().map(String::valueOf)
        .toList())).contains("${MANAGEMENT_PORT:-" + managementPort + "}", "/health/live");
    // The target group takes traffic on the tracking port and checks health on the management port.
    assertThat(template.single("AWS::ElasticLoadBalancingV2::TargetGroup")).containsEntry("Port", trafficPort)
        .containsEntry("HealthCheckPort", String.valueOf(managementPort))
        .containsEntry("HealthCheckPath", "/health/ready");
    assertThat(list(template.single("AWS::ECS::Service").get("LoadBalancers")))
        .extracting(target -> map(target).get("ContainerPort")).containsExactly(trafficPort);
    // Every listener forwards to that one target group (or redirects), and there are no rules to route elsewhere.
    assertThat(template.idsOfType("AWS::ElasticLoadBalancingV2::ListenerRule")).isEmpty();
    assertThat(template.idsOfType("AWS::ElasticLoadBalancingV2::TargetGroup")).containsExactly("TargetGroup");
    template.propertiesOfType("AWS::ElasticLoadBalancingV2::Listener").forEach((id, listener) ->
        list(listener.get("DefaultActions")).stream().map(Template::map).forEach(action -> {
          if ("forward".equals(action.get("Type"))) {
            assertThat(template.referencedResources(action.get("TargetGroupArn"))).as(id)
                .containsExactly("TargetGroup");
          } else {
            assertThat(action.get("Type")).as(id).isEqualTo("redirect");
          }
        }));
    // The tasks' security group lets in the load balancer only, on these two ports only; the load balancer's lets
    // out to the tasks on the same two.
    Map<String, Map<String, Object>> ingress = rulesOf("AWS::EC2::SecurityGroupIngress", "TrackerTaskSecurityGroup");
    assertThat(template.properties("TrackerTaskSecurityGroup")).doesNotContainKey("SecurityGroupIngress");
    assertThat(ingress.values()).allSatisfy(rule -> {
      assertThat(rule).doesNotContainKeys("CidrIp", "CidrIpv6", "SourcePrefixListId");
      assertThat(template.referencedResources(rule.get("SourceSecurityGroupId")))
          .containsExactly("LoadBalancerSecurityGroup");
    });
    assertThat(ports(ingress)).containsExactlyInAnyOrder(trafficPort, managementPort);
    Map<String, Map<String, Object>> egress = rulesOf("AWS::EC2::SecurityGroupEgress", "LoadBalancerSecurityGroup");
    assertThat(egress.values()).allSatisfy(rule -> assertThat(template.referencedResources(
        rule.get("DestinationSecurityGroupId"))).containsExactly("TrackerTaskSecurityGroup"));
    assertThat(ports(egress)).containsExactlyInAnyOrder(trafficPort, managementPort);
  }

  @Test
  void newTasksWarmUpUnderARampOfCalls_drainingOnesFinishTheirs() {
    Map<String, Object> attributes = new HashMap<>();
    for (Object attribute : (List<?>) template.single("AWS::ElasticLoadBalancingV2::TargetGroup")
        .get("TargetGroupAttributes")) {
      attributes.put((String) map(attribute).get("Key"), map(attribute).get("Value"));
    }
    assertThat(attributes).containsKeys("slow_start.duration_seconds", "deregistration_delay.timeout_seconds");
    assertThat(Integer.parseInt((String) attributes.get("slow_start.duration_seconds"))).isBetween(30, 900);
    assertThat(Integer.parseInt((String) attributes.get("deregistration_delay.timeout_seconds"))).isPositive();
    assertThat(attributes.get("load_balancing.algorithm.type")).isIn(null, "round_robin");
  }

  @Test
  void serviceScalesOutAndInOnCpuAndOnRequestsPerTarget() {
    assertThat(template.propertiesOfType("AWS::ApplicationAutoScaling::ScalingPolicy").values())
        .extracting(policy -> map(policy.get("TargetTrackingScalingPolicyConfiguration")))
        .allSatisfy(tracking -> assertThat(tracking.get("DisableScaleIn")).isEqualTo(false))
        .extracting(tracking -> map(tracking.get("PredefinedMetricSpecification")).get("PredefinedMetricType"))
        .containsExactlyInAnyOrder("ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget");
  }

  @Test
  void bothScalingPoliciesAimAtTheLoadOfDocsCapacity() {
    // docs/capacity.md plans 30 µs of CPU per call: a task of TaskCpu's vCPUs at TargetCpuPercent serves this many
    // calls a second, which is what TargetRequestsPerTarget (per minute) must ask of it too.
    double vcpus = Integer.parseInt(String.valueOf(parameterDefault("TaskCpu"))) / 1024.0;
    int cpuPercent = (Integer) parameterDefault("TargetCpuPercent");
    double callsPerSecond = vcpus * 1_000_000 * cpuPercent / 100 / PLANNED_CPU_MICROS_PER_CALL;

    assertThat((Integer) parameterDefault("TargetRequestsPerTarget") / 60.0)
        .isCloseTo(callsPerSecond, withinPercentage(1));
  }

  @Test
  void outputsGiveTheEndpointStreamsAndTable() {
    assertThat(template.outputs()).containsKeys("EndpointUrl", "TrackingEventsStreamName",
        "CoreDataUpdatesStreamName", "EventTableName", "DashboardUrl");
  }

  @Test
  void alarmsWatchTheFailureModesTheIssueNames() {
    String alarms = template.propertiesOfType("AWS::CloudWatch::Alarm").values().toString();
    assertThat(alarms).contains("MetricName=Errors", "MetricName=IteratorAge",
        "MetricName=ApproximateNumberOfMessagesVisible", "MetricName=HTTPCode_Target_5XX_Count",
        "MetricName=HTTPCode_ELB_5XX_Count", "MetricName=EngineCPUUtilization",
        "MetricName=tracker_buffer_oldest_age_seconds", "Value=buffer_full", "Value=core_data_unavailable",
        "MetricName=tracker_redis_latency_seconds", "MetricName=tracker_kinesis_records_failed_total");
    assertThat(template.propertiesOfType("AWS::CloudWatch::Alarm").values())
        .allSatisfy(alarm -> assertThat(template.referencedResources(alarm.get("AlarmActions")))
            .containsExactly("AlarmTopic"));
  }

  @Test
  void dashboardBodyIsJsonWhoseMetricsAndAlarmsExist() throws Exception {
    List<Object> sub = list(map(template.single("AWS::CloudWatch::Dashboard").get("DashboardBody")).get("Fn::Sub"));
    String body = String.valueOf(sub.get(0));
    Set<String> variables = map(sub.get(1)).keySet();

    // Every ${...} must be a variable of the Sub, a pseudo parameter or a resource (attribute) of this template.
    Matcher reference = Pattern.compile("\\$\\{([^}.]+)[^}]*}").matcher(body);
    List<String> unknown = new ArrayList<>();
    while (reference.find()) {
      String name = reference.group(1);
      if (!variables.contains(name) && !name.startsWith("AWS::") && !template.resources().containsKey(name)) {
        unknown.add(name);
      }
    }
    assertThat(unknown).isEmpty();
    JsonNode dashboard = new ObjectMapper()
        .readTree(body.replaceAll("\\$\\{[^}]*}", "x"));
    assertThat(dashboard.get("widgets")).hasSizeGreaterThan(5);
    assertThat(body).contains(template.propertiesOfType("AWS::CloudWatch::Alarm").keySet().stream()
        .map(alarm -> "${" + alarm + ".Arn}").toArray(String[]::new));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Security group rules of a type ({@code AWS::EC2::SecurityGroupIngress|Egress}) on one group, by logical id. */
  private static Map<String, Map<String, Object>> rulesOf(String type, String group) {
    Map<String, Map<String, Object>> rules = new HashMap<>();
    template.propertiesOfType(type).forEach((id, rule) -> {
      if (template.referencedResources(rule.get("GroupId")).contains(group)) {
        rules.put(id, rule);
      }
    });
    return rules;
  }

  /** The one TCP port each rule opens. */
  private static List<Integer> ports(Map<String, Map<String, Object>> rules) {
    return rules.entrySet().stream().map(entry -> {
      Map<String, Object> rule = entry.getValue();
      assertThat(rule).as(entry.getKey()).containsEntry("IpProtocol", "tcp");
      assertThat(rule.get("FromPort")).as(entry.getKey() + ": one port").isEqualTo(rule.get("ToPort"));
      return (Integer) rule.get("FromPort");
    }).toList();
  }

  private static boolean isEndpointOverride(String name) {
    return name.startsWith("AWS_ENDPOINT_URL");
  }

  private static Object parameterDefault(String name) {
    return map(template.parameters().get(name)).get("Default");
  }

  private static Map<String, Object> trackerContainer() {
    return template.container("tracker");
  }

  private static Map<String, Object> function(String handler) {
    return template.propertiesOfType("AWS::Lambda::Function").values().stream()
        .filter(function -> handler.equals(function.get("Handler")))
        .findFirst().orElseThrow(() -> new AssertionError("no function with handler " + handler));
  }

  private static Map<String, Object> functionEnvironment(String handler) {
    return map(map(function(handler).get("Environment")).get("Variables"));
  }

  private static Set<String> names(Object entries) {
    return entries == null ? Set.of() : list(entries).stream().map(entry -> String.valueOf(map(entry).get("Name")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> union(Set<String> first, Set<String> second) {
    Set<String> all = new TreeSet<>(first);
    all.addAll(second);
    return all;
  }

  /** Name to value for the entries whose value is a literal string (not computed by CloudFormation). */
  private static Map<String, String> literalEnvironment(Object entries) {
    Map<String, String> literal = new HashMap<>();
    list(entries).stream().map(Template::map).filter(entry -> entry.get("Value") instanceof String)
        .forEach(entry -> literal.put((String) entry.get("Name"), (String) entry.get("Value")));
    return literal;
  }

  /** The updater's REDIS_URL as CloudFormation would resolve it, with a token of the generated kind. */
  private static String sampleRedisUrl() {
    return Template.subText(functionEnvironment(UPDATER_HANDLER).get("REDIS_URL"))
        .replaceFirst("rediss://:.*@", "rediss://:" + "a".repeat(64) + "@")
        .replace("${Host}", "master.adtrack-redis.abc123.use1.cache.amazonaws.com")
        .replace("${Port}", "6379");
  }

  private static Map<String, String> attributeTypes(Map<String, Object> table) {
    Map<String, String> types = new HashMap<>();
    list(table.get("AttributeDefinitions")).stream().map(Template::map)
        .forEach(attribute -> types.put((String) attribute.get("AttributeName"),
            (String) attribute.get("AttributeType")));
    return types;
  }
}
