/** Placeholder until the Kafka provisioning lands: no broker, suites that need one report it. */
export async function provisionKafka(): Promise<void> {}
export async function stopKafka(): Promise<void> {}
