import { seed } from "../src/setup";
import { createPrismaClient } from "../src/client";

const prisma = createPrismaClient();
const { created } = await seed(prisma);
console.log(created ? "seeded demo users" : "database already has users; seed skipped");
await prisma.$disconnect();
