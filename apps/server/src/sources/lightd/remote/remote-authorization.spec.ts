import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { lightdTokenFromAuthorization } from './remote-authorization';

describe('lightdTokenFromAuthorization', () => {
  it('takes the token after "Bearer " as Lightd sends it', () => {
    expect(lightdTokenFromAuthorization('Bearer lightd_ad2f7fc49ed640429c450e14ed07c8d5')).toBe('lightd_ad2f7fc49ed640429c450e14ed07c8d5');
    expect(lightdTokenFromAuthorization('bearer  lightd_abc ')).toBe('lightd_abc');
  });

  it.each([
    [undefined, /^missing Authorization header/],
    ['', /^missing Authorization header/],
    ['lightd_abc', /^Authorization must be/],
    ['Basic bGlnaHRk', /^Authorization must be/],
    ['Bearer other_abc', /^Authorization must be/],
    ['Bearer lightd_', /^Authorization must be/],
    ['Bearer lightd_a lightd_b', /^Authorization must be/],
    [['Bearer lightd_a', 'Bearer lightd_b'], /^Authorization must be/],
  ])('refuses %j with a 401 that says why', (header, message) => {
    expect(() => lightdTokenFromAuthorization(header)).toThrow(UnauthorizedError);
    expect(() => lightdTokenFromAuthorization(header)).toThrow(message);
  });
});
