package io.adtrack.cloudformation;

import static io.adtrack.cloudformation.Template.list;
import static io.adtrack.cloudformation.Template.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stack keeps its security promises ({@link SecurityContract}), and each check fails on a template broken the
 * way it is there to catch.
 */
class SecurityContractTest {

  @Test
  void onlyTheLoadBalancerListenerPortsAreOpenToTheWorld() throws Exception {
    Template template = stack();

    assertThat(SecurityContract.worldOpenIngress(template)).isEmpty();
    // The check has something to look at: the ALB's HTTP and HTTPS ingress from anywhere.
    assertThat(template.properties("LoadBalancerSecurityGroup").toString()).contains("0.0.0.0/0");
    assertThat(template.properties("LoadBalancerHttpsIngress")).containsEntry("CidrIp", "0.0.0.0/0");
  }

  @Test
  void theInternetFacingLoadBalancer_isBehindAWebAclThatLimitsTheRatePerClientIp() throws Exception {
    Template template = stack();

    assertThat(SecurityContract.publicLoadBalancersWithoutWebAcl(template)).isEmpty();
    assertThat(template.properties("LoadBalancer")).containsEntry("Scheme", "internet-facing");
  }

  @Test
  void everyIamStatementNamesItsResources() throws Exception {
    Template template = stack();

    assertThat(SecurityContract.iamWithoutNamedResources(template)).isEmpty();
    assertThat(SecurityContract.policyStatements(template)).as("statements found").hasSizeGreaterThan(12)
        .containsKeys("FailureQueuesTlsOnlyPolicy PolicyDocument statement 0",
            "EventTable PolicyDocument statement 0");
  }

  @Test
  void everyStoreAndStreamIsEncryptedAtRestAndInTransit() throws Exception {
    Template template = stack();

    assertThat(SecurityContract.unencryptedStores(template)).isEmpty();
    assertThat(template.resources().values()).extracting(resource -> String.valueOf(map(resource).get("Type")))
        .filteredOn(SecurityContract.STORES::containsKey)
        .contains("AWS::Kinesis::Stream", "AWS::DynamoDB::Table", "AWS::ElastiCache::ReplicationGroup",
            "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup");
  }

  @Test
  void everyLogGroupHasARetention() throws Exception {
    assertThat(SecurityContract.logGroupsWithoutRetention(stack())).isEmpty();
  }

  @Test
  void whereDataLivesAStackDeletionKeepsIt() throws Exception {
    assertThat(SecurityContract.dataWithoutDeletionProtection(stack())).isEmpty();
  }

  static Stream<Arguments> brokenTemplates() {
    Function<Template, List<String>> ingress = SecurityContract::worldOpenIngress;
    Function<Template, List<String>> iam = SecurityContract::iamWithoutNamedResources;
    Function<Template, List<String>> encryption = SecurityContract::unencryptedStores;
    Function<Template, List<String>> retention = SecurityContract::logGroupsWithoutRetention;
    Function<Template, List<String>> deletion = SecurityContract::dataWithoutDeletionProtection;
    Function<Template, List<String>> edge = SecurityContract::publicLoadBalancersWithoutWebAcl;
    return Stream.of(
        broken("the load balancer without its web ACL", edge,
            t -> t.resources().remove("WebAclAssociation"), "LoadBalancer: internet-facing without a web ACL"),
        broken("a web ACL without a rate limit", edge,
            t -> list(t.properties("WebAcl").get("Rules"))
                .removeIf(rule -> map(map(rule).get("Statement")).containsKey("RateBasedStatement")),
            "LoadBalancer: internet-facing without a web ACL"),
        broken("SSH from anywhere to the tasks", ingress,
            t -> inlineIngress(t, "TrackerTaskSecurityGroup").add(rule("tcp", 22, "CidrIp", "0.0.0.0/0")),
            "TrackerTaskSecurityGroup ingress 0: tcp 22-22 from 0.0.0.0/0"),
        broken("the ALB open over IPv6 on a port no listener serves", ingress,
            t -> inlineIngress(t, "LoadBalancerSecurityGroup").add(rule("tcp", 8080, "CidrIpv6", "::/0")),
            "LoadBalancerSecurityGroup ingress 1: tcp 8080-8080 from ::/0"),
        broken("every protocol to the ALB", ingress,
            t -> t.properties("LoadBalancerHttpsIngress").put("IpProtocol", "-1"),
            "LoadBalancerHttpsIngress: -1 443-443 from 0.0.0.0/0"),
        broken("the tracker may put records on every stream", iam,
            t -> statement(t, "TaskRole").put("Resource", "*"), "kinesis:PutRecords on a wildcard resource"),
        broken("a wildcard action", iam,
            t -> statement(t, "ConsumerRole").put("Action", "logs:*"), "wildcard action logs:*"),
        broken("a queue policy that lets everyone in", iam,
            t -> map(list(map(t.properties("FailureQueuesTlsOnlyPolicy").get("PolicyDocument")).get("Statement"))
                .get(0)).put("Effect", "Allow"),
            "allows everyone"),
        broken("a stream without KMS", encryption,
            t -> t.properties("TrackingEventsStream").remove("StreamEncryption"),
            "TrackingEventsStream: not encrypted at rest"),
        broken("the table on an AWS owned key", encryption,
            t -> t.properties("EventTable").remove("SSESpecification"), "EventTable: not encrypted at rest"),
        broken("the table answering plain HTTP", encryption,
            t -> t.properties("EventTable").remove("ResourcePolicy"), "EventTable: takes requests without TLS"),
        broken("Redis without TLS", encryption,
            t -> t.properties("RedisReplicationGroup").put("TransitEncryptionMode", "preferred"),
            "RedisReplicationGroup: does not require TLS"),
        broken("the failure queues answering plain HTTP", encryption,
            t -> t.resources().remove("FailureQueuesTlsOnlyPolicy"), "UpdaterFailureQueue: takes requests"),
        broken("a secret written into the template", encryption,
            t -> t.properties("RedisUrlSecret").put("SecretString", "rediss://:token@redis:6379"),
            "RedisUrlSecret: its value is written into the template"),
        broken("a bucket without encryption", encryption,
            t -> t.resources().put("SpoolBucket", resource("AWS::S3::Bucket", new LinkedHashMap<>())),
            "SpoolBucket: no BucketEncryption"),
        broken("a kind of resource nobody has classified", encryption,
            t -> t.resources().put("Archive", resource("AWS::RDS::DBInstance", new LinkedHashMap<>())),
            "Archive: AWS::RDS::DBInstance is neither a store"),
        broken("a log group kept forever", retention,
            t -> t.properties("TrackerLogGroup").remove("RetentionInDays"), "TrackerLogGroup: no RetentionInDays"),
        broken("a function logging to a group Lambda would create", retention,
            t -> t.properties("UpdaterFunction").put("FunctionName", "renamed-updater"),
            "UpdaterFunction: logs to a group the stack does not create"),
        broken("the table deleted with the stack", deletion,
            t -> t.definition("EventTable").put("DeletionPolicy", "Delete"),
            "EventTable: DeletionPolicy Delete, must be Retain"),
        broken("the table without deletion protection", deletion,
            t -> t.properties("EventTable").remove("DeletionProtectionEnabled"),
            "EventTable: no DeletionProtectionEnabled"),
        broken("unstored events deleted with the stack", deletion,
            t -> t.definition("TrackingEventsStream").remove("UpdateReplacePolicy"),
            "TrackingEventsStream: UpdateReplacePolicy null, must be Retain"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTemplates")
  void eachCheckCatchesWhatItIsThereToCatch(String breach, Function<Template, List<String>> check,
      Consumer<Template> breakIt, String expected) throws Exception {
    Template template = stack();
    assertThat(check.apply(template)).as("before: " + breach).isEmpty();

    breakIt.accept(template);

    assertThat(check.apply(template)).as(breach).anySatisfy(problem -> assertThat(problem).contains(expected));
  }

  private static Template stack() throws Exception {
    return Template.load(Repository.TEMPLATE);
  }

  private static Arguments broken(String breach, Function<Template, List<String>> check, Consumer<Template> breakIt,
      String expected) {
    return Arguments.of(breach, check, breakIt, expected);
  }

  /** The inline ingress list of a security group, created empty when it has none. */
  private static List<Object> inlineIngress(Template template, String group) {
    return list(template.properties(group).computeIfAbsent("SecurityGroupIngress", key -> new ArrayList<>()));
  }

  private static Map<String, Object> rule(String protocol, int port, String sourceKey, String source) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("IpProtocol", protocol);
    rule.put("FromPort", port);
    rule.put("ToPort", port);
    rule.put(sourceKey, source);
    return rule;
  }

  /** The first statement of a role's first inline policy. */
  private static Map<String, Object> statement(Template template, String role) {
    Map<String, Object> policy = map(list(template.properties(role).get("Policies")).get(0));
    return map(list(map(policy.get("PolicyDocument")).get("Statement")).get(0));
  }

  private static Map<String, Object> resource(String type, Map<String, Object> properties) {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("Type", type);
    resource.put("Properties", properties);
    return resource;
  }
}
