# The platform's tables. This map mirrors kit/src/aws/tables.ts, the one place the code defines
# them; deploy/test/terraform-dynamodb.test.ts fails if the two ever differ. Every key is a string.

locals {
  gsi1 = { name = "gsi1", hash_key = "gsi1pk", range_key = "gsi1sk" }
  gsi2 = { name = "gsi2", hash_key = "gsi2pk", range_key = "gsi2sk" }

  tables = {
    reservations     = { hash_key = "pk", range_key = "sk", indexes = [local.gsi1, local.gsi2], ttl_attribute = "expires_at_ttl" }
    orders           = { hash_key = "pk", range_key = "sk", indexes = [local.gsi1], ttl_attribute = null }
    idempotency      = { hash_key = "pk", range_key = "sk", indexes = [], ttl_attribute = "expires_at_ttl" }
    outbox           = { hash_key = "pk", range_key = "sk", indexes = [], ttl_attribute = "expires_at_ttl" }
    events           = { hash_key = "pk", range_key = "sk", indexes = [local.gsi1], ttl_attribute = null }
    seats            = { hash_key = "pk", range_key = "sk", indexes = [], ttl_attribute = null }
    payments         = { hash_key = "pk", range_key = "sk", indexes = [local.gsi1], ttl_attribute = null }
    "payment-outbox" = { hash_key = "pk", range_key = "sk", indexes = [], ttl_attribute = "expires_at_ttl" }
  }
}
