import { manifestKey, reportKey, runReportKey } from '../src';
import { tagCoverageKey } from '../src/run-report-layout';

const STARTED_AT = new Date('2024-05-01T23:59:59.999Z');

describe('run report layout', () => {
  it('puts the fleet report under _reports/, beside the run manifest', () => {
    expect(runReportKey('org-accounts/', STARTED_AT, 'run-1')).toBe('org-accounts/dt=2024-05-01/_reports/run-1.html');
    expect(manifestKey('org-accounts/', STARTED_AT, 'run-1')).toBe('org-accounts/dt=2024-05-01/_manifests/run-1.json');
  });

  it("puts tag-coverage.csv beside the tenant's accounts.csv", () => {
    expect(tagCoverageKey('org-accounts/', STARTED_AT, '111111111111')).toBe(
      'org-accounts/dt=2024-05-01/tenant_id=111111111111/tag-coverage.csv',
    );
    expect(reportKey('org-accounts/', STARTED_AT, '111111111111')).toBe('org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv');
  });
});
