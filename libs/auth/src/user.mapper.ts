import type { PresenceStatus, UserDto } from '@parley/contracts';
import type { UserDoc } from '@parley/persistence';

export function toUserDto(u: UserDoc & { _id: string }, extra: { presence?: PresenceStatus; teamIds?: string[] } = {}): UserDto {
  return {
    id: u._id, name: u.name, email: u.email, role: u.role, active: u.active,
    twoFactorEnabled: !!u.totpEnabled, ...extra,
  };
}
