import { thresholdOrderKey } from './thresholds';
import { isCompanyAdmin } from '../../app/grants';

describe('thresholdOrderKey (the service rule, said before sending)', () => {
  it('wants critical at or below warning when higher is better', () => {
    expect(thresholdOrderKey('higher_better', 85, 80)).toBeNull();
    expect(thresholdOrderKey('higher_better', 85, 85)).toBeNull();
    expect(thresholdOrderKey('higher_better', 85, 90)).toBe('kpi.indicatorForm.criticalAboveWarning');
  });
  it('wants critical at or above warning when lower is better or for a band', () => {
    expect(thresholdOrderKey('lower_better', 2, 3)).toBeNull();
    expect(thresholdOrderKey('lower_better', 3, 2)).toBe('kpi.indicatorForm.criticalBelowWarning');
    expect(thresholdOrderKey('band', 5, 2)).toBe('kpi.indicatorForm.criticalBelowWarning');
  });
  it('refuses negative band deviations and judges nothing with one value missing', () => {
    expect(thresholdOrderKey('band', -1, null)).toBe('kpi.indicatorForm.bandNegative');
    expect(thresholdOrderKey('higher_better', null, 90)).toBeNull();
    expect(thresholdOrderKey('lower_better', 3, undefined)).toBeNull();
  });
});

describe('isCompanyAdmin', () => {
  it('is admin over a root unit and its subtree only', () => {
    expect(isCompanyAdmin([{ right: 'admin', unit_path: '/1/', mode: 'subtree' }])).toBe(true);
    expect(isCompanyAdmin([{ right: 'admin', unit_path: '/1/2/', mode: 'subtree' }])).toBe(false);
    expect(isCompanyAdmin([{ right: 'admin', unit_path: '/1/', mode: 'exact' }])).toBe(false);
    expect(isCompanyAdmin([{ right: 'plan', unit_path: '/1/', mode: 'subtree' }])).toBe(false);
    expect(isCompanyAdmin(undefined)).toBe(false);
  });
});
