// The demo event everybody can try (README "Demo accounts"): fixed accounts, 12 partner companies.
export const DEMO = {
  admin: { email: "admin@example.com", password: "inf-demo-admin", fullName: "Career Office" },
  recruiterPassword: "inf-demo-company",
  studentPassword: "inf-demo-student",
  students: 200,
  deprioritized: 40,
};

type Offer = { title: string; description: string; tags: string[]; contractType: string; location: string };
export const COMPANIES: { name: string; description: string; website: string; offers: Offer[] }[] = [
  { name: "Aurora Robotics", description: "Warehouse robots that learn their way around.", website: "https://aurora.example", offers: [
    { title: "Embedded software intern", description: "Motor control and sensor fusion in Rust and C.", tags: ["embedded", "robotics", "rust"], contractType: "internship", location: "Brussels" },
    { title: "Computer vision engineer", description: "Grasp detection for mixed parcels.", tags: ["ai", "robotics"], contractType: "full-time", location: "Leuven" } ] },
  { name: "Banque Lumière", description: "A retail bank rebuilding its core on open source.", website: "https://lumiere.example", offers: [
    { title: "Backend developer (Kotlin)", description: "Payments APIs at 5 000 requests per second.", tags: ["backend", "finance"], contractType: "full-time", location: "Brussels" },
    { title: "Data analyst intern", description: "Fraud patterns, SQL and notebooks.", tags: ["data", "finance"], contractType: "internship", location: "Brussels" } ] },
  { name: "Cobalt Cloud", description: "Managed databases for European startups.", website: "https://cobalt.example", offers: [
    { title: "Site reliability intern", description: "On-call tooling and chaos drills.", tags: ["devops", "cloud"], contractType: "internship", location: "Remote" } ] },
  { name: "Delta Energie", description: "Smart grids and battery storage.", website: "https://delta.example", offers: [
    { title: "Energy data scientist", description: "Forecast demand for 2 million meters.", tags: ["data", "ai", "energy"], contractType: "full-time", location: "Liège" },
    { title: "Student job: grid simulation", description: "Python models of local grids.", tags: ["energy", "python"], contractType: "student-job", location: "Liège" } ] },
  { name: "Echo Health", description: "Software for hospitals, built with nurses.", website: "https://echo.example", offers: [
    { title: "Frontend developer (Preact)", description: "Fast, accessible screens for busy wards.", tags: ["frontend", "health"], contractType: "full-time", location: "Ghent" } ] },
  { name: "Fjord Games", description: "Indie studio behind cosy puzzle games.", website: "https://fjord.example", offers: [
    { title: "Gameplay programmer intern", description: "C# tools and gameplay systems.", tags: ["games", "csharp"], contractType: "internship", location: "Antwerp" } ] },
  { name: "Granite Security", description: "Penetration testing and secure code reviews.", website: "https://granite.example", offers: [
    { title: "Security analyst", description: "Red-team exercises and audits.", tags: ["security"], contractType: "full-time", location: "Brussels" },
    { title: "AppSec intern", description: "Static analysis for TypeScript codebases.", tags: ["security", "frontend"], contractType: "internship", location: "Remote" } ] },
  { name: "Helix Bio", description: "Lab automation for genomics.", website: "https://helix.example", offers: [
    { title: "Bioinformatics intern", description: "Pipelines for sequencing data.", tags: ["data", "health", "python"], contractType: "internship", location: "Leuven" } ] },
  { name: "Iris Mobility", description: "Shared e-bikes in twelve cities.", website: "https://iris.example", offers: [
    { title: "Mobile developer", description: "The rider app, offline-first.", tags: ["mobile", "frontend"], contractType: "full-time", location: "Brussels" } ] },
  { name: "Juniper Logistics", description: "Route planning for parcel carriers.", website: "https://juniper.example", offers: [
    { title: "Optimisation engineer", description: "Vehicle routing at national scale.", tags: ["ai", "backend"], contractType: "full-time", location: "Mechelen" },
    { title: "Thesis: fair delivery windows", description: "A master's thesis with our research team.", tags: ["research", "ai"], contractType: "thesis", location: "Mechelen" } ] },
  { name: "Kite Media", description: "A public broadcaster's digital newsroom.", website: "https://kite.example", offers: [
    { title: "Full-stack developer", description: "Live election results for millions of readers.", tags: ["frontend", "backend", "cloud"], contractType: "full-time", location: "Brussels" } ] },
  { name: "Lynx Analytics", description: "Product analytics that respects privacy.", website: "https://lynx.example", offers: [
    { title: "Data engineer intern", description: "Streaming pipelines on ClickHouse.", tags: ["data", "backend"], contractType: "internship", location: "Remote" } ] },
];

const FIRST = ["Amélie", "Bram", "Chloé", "Dries", "Emma", "Farid", "Giulia", "Hugo", "Inès", "Jonas", "Karim", "Lotte", "Manon", "Noah", "Olivia", "Pieter", "Quentin", "Rania", "Sofia", "Thomas"];
const LAST = ["Dubois", "Peeters", "Janssens", "Lambert", "Maes", "Martin", "Claes", "Goossens", "Wouters", "Simon"];

export const studentName = (i: number) => `${FIRST[(i - 1) % FIRST.length]} ${LAST[Math.floor((i - 1) / FIRST.length) % LAST.length]}`;
