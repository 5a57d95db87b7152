import { describe, expectTypeOf, it } from 'vitest';
import type * as Console from '../lib/telemetry/schema';
import type * as Sdk from './report';

// The package's own copy of the report type must stay the console's contract type, field for field.
describe('the SDK report type', () => {
  it('is the console contract type', () => {
    expectTypeOf<Sdk.TelemetryReport>().toEqualTypeOf<Console.TelemetryReport>();
    expectTypeOf<Sdk.DeviceClass>().toEqualTypeOf<Console.DeviceClass>();
    expectTypeOf<Sdk.P2pMode>().toEqualTypeOf<Console.P2pMode>();
    expectTypeOf<Sdk.Flow>().toEqualTypeOf<Console.Flow>();
  });
});
