import { describe, expect, it } from 'vitest';
import { findPlugin, regulatoryText } from './plugins';

describe('plugin facts', () => {
  it('says research use for a plugin that is not a medical device, whichever spelling the server uses', () => {
    expect(regulatoryText('not-a-medical-device')).toContain('not a medical device');
    expect(regulatoryText('NOT_A_MEDICAL_DEVICE')).toContain('not a medical device');
    expect(regulatoryText(undefined)).toContain('research use only');
  });

  it('finds the plugin of an analysis by id and version, else by id', () => {
    const all = [{ id: 'a', version: '1' }, { id: 'a', version: '2' }];
    expect(findPlugin(all, { id: 'a', version: '2' })).toBe(all[1]);
    expect(findPlugin(all, { id: 'a', version: '9' })).toBe(all[0]);
    expect(findPlugin(all, { id: 'b', version: '1' })).toBeUndefined();
  });
});
