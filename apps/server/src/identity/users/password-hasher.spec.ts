import { generatePassword, hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('rejects malformed stored hashes and the unknown-user hash', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
    await expect(verifyPassword('', UNKNOWN_USER_HASH)).resolves.toBe(false);
  });

  it('generates long random passwords', () => {
    expect(generatePassword()).toHaveLength(24);
    expect(generatePassword()).not.toEqual(generatePassword());
  });
});
