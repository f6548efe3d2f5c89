import { DEFAULT_ASSUMPTIONS, capacityGrid, capacityTable, estimateCapacity, humanDuration, roughDollars } from '../src/capacity';

describe('the capacity model', () => {
  it('spreads a tenant too large for one invocation over several', () => {
    // 10,000 accounts at 5 requests/s: 2 s + 10,500 calls / 5 = 2,102 s, over 13-minute invocations.
    const estimate = estimateCapacity({ tenants: 100, accountsPerTenant: 10_000, requestsPerSecond: 5 });

    expect(estimate.secondsPerTenant).toBeCloseTo(2102, 0);
    expect(estimate.invocationsPerTenant).toBe(3);
    expect(estimate.stateTransitions).toBe(100 * (4 + 3 * 2) + 5);
    expect(estimate.shape).toBe('fan-out');
  });

  it('runs the fan-out in waves of the map concurrency', () => {
    const estimate = estimateCapacity({ tenants: 1000, accountsPerTenant: 1000, requestsPerSecond: 20 });

    expect(estimate.invocationsPerTenant).toBe(1);
    expect(estimate.fanOutWallSeconds).toBeCloseTo(Math.ceil(1000 / DEFAULT_ASSUMPTIONS.mapConcurrency) * (2 + 1050 / 20), 6);
  });

  it('keeps small fleets in one Lambda when eight tenants at a time finish within an invocation', () => {
    expect(estimateCapacity({ tenants: 100, accountsPerTenant: 50, requestsPerSecond: 20 }).shape).toBe('single Lambda');
    expect(estimateCapacity({ tenants: 1000, accountsPerTenant: 50, requestsPerSecond: 20 }).shape).toBe('single Lambda');
    expect(estimateCapacity({ tenants: 5000, accountsPerTenant: 50, requestsPerSecond: 20 }).shape).toBe('fan-out');
  });

  it('costs more for more accounts, and mostly in Lambda time', () => {
    const small = estimateCapacity({ tenants: 1000, accountsPerTenant: 50, requestsPerSecond: 20 });
    const large = estimateCapacity({ tenants: 1000, accountsPerTenant: 10_000, requestsPerSecond: 20 });

    expect(large.costUsd).toBeGreaterThan(small.costUsd * 10);
    // 1,000 tenants x 527 s x 0.5 GB at $0.0000166667 per GB-s is about $4.4.
    expect(large.costUsd).toBeGreaterThan(4);
    expect(large.costUsd).toBeLessThan(5);
  });

  it('prints every fleet shape of the grid once, as a Markdown table', () => {
    const grid = capacityGrid();
    const table = capacityTable(grid).split('\n');

    expect(grid).toHaveLength(27);
    expect(table).toHaveLength(29);
    expect(table[2]).toBe('| 100 | 50 | 5 | 13 s | 1 | 25 s | 405 | $0.03 | single Lambda |');
  });

  it('writes durations and dollars the way a person reads them', () => {
    expect(humanDuration(90)).toBe('90 s');
    expect(humanDuration(840)).toBe('14 min');
    expect(humanDuration(3 * 3600)).toBe('3.0 h');
    expect(roughDollars(0.00437)).toBe('$0.004');
    expect(roughDollars(12.345)).toBe('$12');
  });
});
