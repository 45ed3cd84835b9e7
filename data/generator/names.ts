/**
 * Built-in word lists for the synthetic city: neighbourhood, street, person and venue
 * names. All invented or generic; any resemblance to real people is coincidental.
 */

/** Neighbourhood names (the one holding downtown is always "Downtown"). */
export const NEIGHBOURHOOD_NAMES = [
  'Harbor Point', 'Old Mill', 'Cedar Flats', 'Northshore', 'Riverbend', 'Ironworks',
  'Union Yards', 'Brickyard', 'Stony Ridge', 'Lakeside Terrace', 'Canal Row', 'Elm Park',
  'Westgate', 'Maple Heights', 'Foundry Hill', 'Granary', 'Sandpiper', 'Lantern Square',
  'Kestrel Grove', 'Marsh End', 'Tannery', 'Bellwood', 'Copper Hollow', 'Dockside',
  'Four Corners', 'Garfield Ridge', 'Hawthorn', 'Juniper Green', 'Kingsbridge', 'Larkspur',
  'Mercer Village', 'Oakdene', 'Pullman Flats', 'Quarry Hill', 'Rosedale', 'Saltbox',
  'Thornbury', 'Upper Landing', 'Vinegar Hill', 'Willow Creek', 'Yardley', 'Zion Park',
] as const;

/** Names for streets (north–south avenues and northern east–west streets). */
export const STREET_WORDS = [
  'ASH', 'BIRCH', 'CEDAR', 'DOGWOOD', 'ELM', 'FIR', 'HAZEL', 'HICKORY', 'LARCH', 'LINDEN',
  'MAPLE', 'OAK', 'PINE', 'POPLAR', 'SPRUCE', 'SYCAMORE', 'WALNUT', 'WILLOW', 'ALDER', 'ASPEN',
  'ADAMS', 'MONROE', 'JACKSON', 'POLK', 'TYLER', 'HARRISON', 'TAYLOR', 'FILLMORE', 'PIERCE',
  'GRANT', 'HAYES', 'GARFIELD', 'ARTHUR', 'CLEVELAND', 'MCKINLEY', 'TAFT', 'WILSON',
  'HARDING', 'COOLIDGE', 'HOOVER', 'OHIO', 'IOWA', 'KANSAS', 'NEVADA', 'OREGON', 'DAKOTA',
  'MONTANA', 'WYOMING', 'IDAHO', 'UTAH', 'ARIZONA', 'ALBANY', 'BELDEN', 'CORTLAND', 'DIVERSEY',
  'ESSEX', 'FARWELL', 'GREENLEAF', 'HOLLYWOOD', 'IRVING', 'JARVIS', 'KEDZIE', 'LUNT', 'MORSE',
  'NEWPORT', 'OAKLEY', 'PRATT', 'ROSCOE', 'SHERIDAN', 'TOUHY', 'UNIVERSITY', 'VERNON',
  'WARREN', 'YATES', 'ARGYLE', 'BRYN MAWR', 'CATALPA', 'DEVON', 'ELSTON', 'FOSTER', 'GLENLAKE',
  'HIGGINS', 'KINZIE', 'LELAND', 'MONTROSE', 'NORMANDY', 'OGDEN', 'PALMER', 'RIDGE', 'SCHOOL',
  'THOME', 'WINONA', 'ARCHER', 'BLUE ISLAND', 'CANAL', 'DAMEN', 'EMERALD', 'HALSTED', 'LOOMIS',
] as const;

/** First names for the roster. */
export const FIRST_NAMES = [
  'James', 'Maria', 'Michael', 'Jennifer', 'Robert', 'Patricia', 'David', 'Linda', 'Jose',
  'Elizabeth', 'Daniel', 'Angela', 'Anthony', 'Michelle', 'Kevin', 'Lisa', 'Brian', 'Nicole',
  'Carlos', 'Jessica', 'Marcus', 'Ashley', 'Juan', 'Stephanie', 'Thomas', 'Monique', 'Luis',
  'Erin', 'Sean', 'Tanisha', 'Patrick', 'Rosa', 'Timothy', 'Katarzyna', 'Piotr', 'Agnieszka',
  'Tomasz', 'Aisha', 'Omar', 'Fatima', 'Ahmed', 'Mei', 'Wei', 'Minh', 'Linh', 'Rajesh', 'Priya',
  'Andre', 'Keisha', 'Darnell', 'Latoya', 'Terrence', 'Shanice', 'Miguel', 'Guadalupe',
  'Alejandro', 'Veronica', 'Francisco', 'Diana', 'Eduardo', 'Claudia', 'Ryan', 'Megan',
  'Kathleen', 'Brendan', 'Colleen', 'Gregory', 'Denise', 'Samuel', 'Grace', 'Noah', 'Olivia',
] as const;

/** Last names for the roster and for schools named after people. */
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Martinez', 'Rodriguez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres', 'Flores',
  'Rivera', 'Gomez', 'Diaz', 'Reyes', 'Cruz', 'Morales', 'Ortiz', 'Gutierrez', 'Chavez',
  'Washington', 'Jackson', 'Thomas', 'Harris', 'Robinson', 'Lewis', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell',
  'Mitchell', 'Carter', 'Turner', 'Phillips', 'Evans', 'Collins', 'Murphy', 'O\'Brien',
  'Sullivan', 'Kelly', 'Walsh', 'Byrne', 'Doyle', 'Kowalski', 'Nowak', 'Wisniewski',
  'Wojcik', 'Kaminski', 'Lewandowski', 'Zielinski', 'Szymanski', 'Nguyen', 'Tran', 'Le',
  'Chen', 'Wang', 'Li', 'Zhang', 'Patel', 'Shah', 'Khan', 'Ali', 'Hassan', 'Petrovic',
  'Novak', 'Russo', 'Romano', 'Ricci', 'Costa', 'Schmidt', 'Mueller', 'Fischer', 'Weber',
  'Olsen', 'Larsen', 'Hansen', 'Johansson', 'Moore', 'Taylor', 'Anderson', 'White', 'Clark',
] as const;

/** Saints for church names. */
export const SAINTS = [
  'Adalbert', 'Agnes', 'Anne', 'Benedict', 'Bridget', 'Casimir', 'Catherine', 'Columba',
  'Francis', 'Gabriel', 'Hedwig', 'Ignatius', 'James', 'Jerome', 'John', 'Joseph', 'Jude',
  'Luke', 'Margaret', 'Mark', 'Martin', 'Mary', 'Michael', 'Monica', 'Patrick', 'Paul',
  'Peter', 'Rita', 'Stanislaus', 'Stephen', 'Teresa', 'Thomas', 'Vincent',
] as const;

/** Denominations for non-saint churches. */
export const CHURCH_KINDS = [
  'Baptist Church', 'Lutheran Church', 'Methodist Church', 'AME Church', 'Presbyterian Church',
  'Pentecostal Church', 'Missionary Baptist Church', 'Community Church', 'Orthodox Church',
] as const;
