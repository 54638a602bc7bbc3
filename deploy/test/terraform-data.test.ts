// DynamoDB tables and SQS queues in Terraform must be exactly what the code creates locally
// (kit/src/aws/tables.ts and queues.ts are the source of truth).
import { describe, expect, test } from "bun:test";
import { EVENTS_QUEUE } from "../../kit/src/aws/queues.ts";
import { TABLES, TTL_ATTRIBUTE } from "../../kit/src/aws/tables.ts";
import { blocksOf, loadTerraform, localsOf, resolveLocals } from "./support/terraform.ts";

const files = await loadTerraform();
const DYNAMODB = "terraform/modules/dynamodb";

/** The code's tables in the shape of the Terraform locals. */
function codeTables() {
  return Object.fromEntries(
    Object.values(TABLES).map((t) => [
      t.name,
      {
        hash_key: t.hashKey,
        range_key: t.rangeKey,
        indexes: t.indexes.map((i) => ({ name: i.name, hash_key: i.hashKey, range_key: i.rangeKey })),
        ttl_attribute: t.ttlAttribute ?? null,
      },
    ]),
  );
}

describe("DynamoDB tables", () => {
  const locals = localsOf(files, DYNAMODB);
  const [table] = blocksOf(files, "resource", "aws_dynamodb_table");

  test("the Terraform table map equals kit/src/aws/tables.ts: names, keys, GSIs and TTL", () => {
    expect(resolveLocals(locals.tables, locals)).toEqual(codeTables());
    expect(TTL_ATTRIBUTE).toBe("expires_at_ttl");
  });

  test("one resource creates every table as <stage>-<name>, keyed from the map", () => {
    expect(blocksOf(files, "resource", "aws_dynamodb_table")).toHaveLength(1);
    expect(table?.body).toMatchObject({
      for_each: "${local.tables}",
      name: "${var.stage}-${each.key}",
      hash_key: "${each.value.hash_key}",
      range_key: "${each.value.range_key}",
    });
  });

  test("every key attribute (table and GSI) is declared as a string", () => {
    const [attribute] = table?.body.dynamic.attribute ?? [];
    expect(attribute.content).toEqual([{ name: "${attribute.value}", type: "S" }]);
    for (const key of ["each.value.hash_key", "each.value.range_key", "index.hash_key", "index.range_key"]) {
      expect(attribute.for_each).toContain(key);
    }
  });

  test("GSIs project every attribute, as the local provisioner does", () => {
    const [gsi] = table?.body.dynamic.global_secondary_index ?? [];
    expect(gsi.for_each).toBe("${each.value.indexes}");
    expect(gsi.content[0]).toMatchObject({
      name: "${global_secondary_index.value.name}",
      hash_key: "${global_secondary_index.value.hash_key}",
      range_key: "${global_secondary_index.value.range_key}",
      projection_type: "ALL",
    });
  });

  test("on demand, point-in-time recovery, encryption at rest, TTL only where the code sets it", () => {
    expect(table?.body.billing_mode).toBe("PAY_PER_REQUEST");
    expect(table?.body.point_in_time_recovery).toEqual([{ enabled: true }]);
    expect(table?.body.server_side_encryption[0].enabled).toBe(true);
    const [ttl] = table?.body.dynamic.ttl ?? [];
    expect(ttl.for_each).toBe("${each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]}");
    expect(ttl.content).toEqual([{ attribute_name: "${ttl.value}", enabled: true }]);
  });
});

describe("SQS event queue", () => {
  const locals = localsOf(files, "terraform/modules/messaging");
  const queues = Object.fromEntries(
    blocksOf(files, "resource", "aws_sqs_queue").map((q) => [q.name, q.body]),
  );

  test("names and settings equal kit/src/aws/queues.ts", () => {
    expect(locals.events).toEqual({
      name: `\${var.stage}-${EVENTS_QUEUE.name}`,
      dlq_name: `\${var.stage}-${EVENTS_QUEUE.dlqName}`,
      visibility_timeout_seconds: EVENTS_QUEUE.visibilityTimeoutSeconds,
      receive_wait_time_seconds: EVENTS_QUEUE.receiveWaitTimeSeconds,
      message_retention_seconds: EVENTS_QUEUE.messageRetentionSeconds,
      max_receive_count: EVENTS_QUEUE.maxReceiveCount,
      dlq_retention_seconds: EVENTS_QUEUE.dlqMessageRetentionSeconds,
    });
  });

  test("the queue redrives to the DLQ after max_receive_count receives; both are encrypted", () => {
    expect(queues.events?.redrive_policy).toContain("deadLetterTargetArn = aws_sqs_queue.events_dlq.arn");
    expect(queues.events?.redrive_policy).toContain("maxReceiveCount     = local.events.max_receive_count");
    expect(queues.events).toMatchObject({
      name: "${local.events.name}",
      visibility_timeout_seconds: "${local.events.visibility_timeout_seconds}",
      sqs_managed_sse_enabled: true,
    });
    expect(queues.events_dlq).toMatchObject({
      name: "${local.events.dlq_name}",
      sqs_managed_sse_enabled: true,
    });
  });
});
