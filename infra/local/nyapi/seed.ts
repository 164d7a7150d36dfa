/** The body of `POST /_emulator/seed`: licensees (the vendor directory), their users and inventory. */
import * as z from 'zod';

export const emulatorUserSchema = z.object({
  Username: z.string().min(1),
  Password: z.string().min(1),
  Admin: z.boolean().optional(),
});

export const emulatorInventorySchema = z.object({
  ID: z.string().regex(/^\d{16}$/, { error: 'Inventory IDs are 16-digit strings' }),
  ProductName: z.string().min(1),
  UOM: z.string().min(1),
  RemainingAmount: z.number().nonnegative(),
  Strain: z.string().optional(),
  InventoryType: z.number().int().optional(),
});

export const emulatorLicenseeSchema = z.object({
  LocationLicense: z.string().min(1),
  UBI: z.string().min(1),
  Name: z.string().min(1),
  Address: z.string().optional(),
  City: z.string().optional(),
  State: z.string().optional(),
  Zip: z.string().optional(),
  Phone: z.string().optional(),
  Type: z.number().int().optional(),
  Retail: z.boolean().optional(),
  Processor: z.boolean().optional(),
  Producer: z.boolean().optional(),
  Transporter: z.boolean().optional(),
  users: z.array(emulatorUserSchema).optional(),
  inventory: z.array(emulatorInventorySchema).optional(),
});

export const emulatorSeedSchema = z.object({ licensees: z.array(emulatorLicenseeSchema) });

export type EmulatorUser = z.infer<typeof emulatorUserSchema>;
export type EmulatorInventory = z.infer<typeof emulatorInventorySchema>;
export type EmulatorLicensee = z.infer<typeof emulatorLicenseeSchema>;
export type EmulatorSeed = z.infer<typeof emulatorSeedSchema>;
