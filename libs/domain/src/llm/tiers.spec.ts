import { refusal } from '../local-users/testing';
import { isPowerLevel, parsePowerLevel, POWER_LEVELS } from './power-levels';
import { parseTier, tierAllows, TIERS } from './tiers';

describe('tiers', () => {
  it('are ordered from free to enterprise', () => {
    expect(TIERS).toEqual(['free', 'starter', 'professional', 'enterprise']);
  });

  it('allow a model of their own tier and below, never above', () => {
    expect(tierAllows('professional', 'professional')).toBe(true);
    expect(tierAllows('professional', 'free')).toBe(true);
    expect(tierAllows('professional', 'enterprise')).toBe(false);
    expect(tierAllows('free', 'starter')).toBe(false);
  });

  it('parse known names and refuse others with the field', () => {
    expect(parseTier('starter')).toBe('starter');
    const error = refusal(() => parseTier('gold', 'plan.tier'));
    expect([error.code, error.field]).toEqual(['invalid', 'plan.tier']);
    expect(error.message).toContain('free, starter, professional, enterprise');
  });
});

describe('power levels', () => {
  it('are eco, balanced and precision', () => {
    expect(POWER_LEVELS).toEqual(['eco', 'balanced', 'precision']);
    expect(isPowerLevel('eco')).toBe(true);
    expect(isPowerLevel('ECO')).toBe(false);
  });

  it('parse known names and refuse others with the field', () => {
    expect(parsePowerLevel('precision')).toBe('precision');
    const error = refusal(() => parsePowerLevel(3));
    expect([error.code, error.field]).toEqual(['invalid', 'power_level']);
  });
});
